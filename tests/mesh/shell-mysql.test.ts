// The server-first clash through the lab shell (guide chapter
// server-speaks-first-protocol): `mysql` to 55.108.108.2:10000 hangs while an HTTP
// service in the mesh also declares port 10000; moving that port to 10001 and
// re-applying the file lets the MySQL greeting through (PassthroughCluster).
import { describe, expect, it } from 'vitest';
import { createShell, VirtualFS } from '../../src/shell/index.ts';
import { meshCommands } from '../../src/mesh/index.ts';
import { labMesh } from './fixtures.ts';

function shellFor(dir: string) {
  const mesh = labMesh(dir);
  const fs = new VirtualFS(mesh.files.map((f) => ({ path: f.name, content: f.text })));
  const shell = createShell({ fs }).register(...meshCommands({ mesh: () => mesh, clientPod: 'app/client' }));
  return { mesh, shell, fs };
}

describe('mysql in the lab shell', () => {
  it('hangs, then connects after the HTTP port moves', async () => {
    const { shell, fs } = shellFor('tests/fixtures/mesh/mysql-server-first');
    const hang = await shell.run('mysql -h 55.108.108.2 -P 10000 -utest -pxxxx --connect-timeout=5');
    expect(hang.exitCode).toBe(1);
    expect(hang.stderr).toContain("ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet'");
    // The other server, on a port no HTTP service uses, answers.
    const other = await shell.run('kubectl exec client -n app -- mysql -h 55.135.153.1 -P 3306');
    expect(other.exitCode).toBe(0);
    const logs = await shell.run('kubectl logs client -n app -c istio-proxy');
    expect(logs.stdout).toContain('"55.135.153.1:3306" PassthroughCluster ');
    expect(logs.stdout).not.toContain('55.108.108.2');
    fs.write('mesh.yaml', fs.read('mesh.yaml')!.replace('port: 10000}', 'port: 10001}'));
    await shell.run('kubectl apply -f mesh.yaml');
    const ok = await shell.run('mysql -h 55.108.108.2 -P 10000');
    expect(ok.exitCode).toBe(0);
  });
});
