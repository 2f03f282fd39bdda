// kubectl exec into a distroless app container, and kubectl debug with an
// ephemeral container that shares its process namespace: /proc/1 is the app.
// Messages follow the container runtime (runc: "executable file not found in
// $PATH", kubectl exit 126) and busybox (cat: can't open '…': Permission denied).
import { describe, expect, it } from 'vitest';
import { createShell, VirtualFS } from '../../src/shell/index.ts';
import { meshCommands } from '../../src/mesh/index.ts';
import { labMesh } from './fixtures.ts';

function labShell() {
  const mesh = labMesh('labs/productpage-reviews/scenario');
  const fs = new VirtualFS(mesh.files.map((f) => ({ path: f.name, content: f.text })));
  const shell = createShell({ fs }).register(...meshCommands({ mesh: () => mesh, clientPod: 'shop/sleep' }));
  const podName = mesh.pod('shop/storefront')!.name;
  return { mesh, shell, podName };
}

describe('kubectl exec and debug in a pod without tools', () => {
  it('finds no shell and no cat in the distroless storefront image', async () => {
    const { shell, podName } = labShell();
    for (const cmd of ['sh', 'cat /proc/1/environ']) {
      const r = await shell.run(`kubectl -n shop exec ${podName} -c storefront -- ${cmd}`);
      expect(r.exitCode).toBe(126);
      expect(r.stderr).toContain(`exec: "${cmd.split(' ')[0]}": executable file not found in $PATH`);
    }
  });

  it('shows the app as PID 1 to a debug container with --target', async () => {
    const { shell, podName } = labShell();
    const r = await shell.run(`kubectl -n shop debug -i ${podName} --image=busybox:1.36 --target=storefront -- ps`);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('PID   USER     TIME  COMMAND');
    expect(r.stdout).toContain('    1 1000      0:04 python /app/server.py\n');
    const cmdline = await shell.run(`kubectl -n shop debug -i ${podName} --image=busybox:1.36 --target=storefront -- cat /proc/1/cmdline`);
    expect(cmdline.stdout).toBe('python\0/app/server.py\0');
  });

  it("needs SYS_PTRACE (--profile=general) to read another user's environ", async () => {
    const { shell, podName } = labShell();
    const denied = await shell.run(`kubectl -n shop debug -i ${podName} --image=busybox:1.36 --target=storefront -- cat /proc/1/environ`);
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain("cat: can't open '/proc/1/environ': Permission denied");
    const r = await shell.run(`kubectl -n shop debug -i ${podName} --image=busybox:1.36 --target=storefront --profile=general -- cat /proc/1/environ | tr '\\0' '\\n' | grep ^RATINGS_PORT=`);
    expect(r.stdout).toBe('RATINGS_PORT=tcp://10.96.140.21:8080\n');
    const code = await shell.run(`kubectl -n shop debug -i ${podName} --image=busybox:1.36 --target=storefront --profile=general -- grep -n os.environ /proc/1/cwd/server.py`);
    expect(code.stdout).toContain('RATINGS_PORT = os.environ.get("RATINGS_PORT", "8080")');
  });

  it('without --target, /proc/1 is the debug container itself, and a deployment is not a pod', async () => {
    const { shell, podName } = labShell();
    const r = await shell.run(`kubectl -n shop debug -i ${podName} --image=busybox:1.36 -- cat /proc/1/cmdline`);
    expect(r.stdout).toBe('cat\0/proc/1/cmdline\0');
    const deploy = await shell.run('kubectl -n shop debug -i deploy/storefront --image=busybox:1.36 --target=storefront -- ps');
    expect(deploy.exitCode).toBe(1);
  });
});
