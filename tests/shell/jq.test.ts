// Expected outputs are what jq 1.6/1.7 prints for the same filters and input.
import { describe, it, expect } from 'vitest';
import { labShell } from './fixtures.ts';

const jq = async (args: string) => {
  const r = await labShell().run(`jq ${args}`);
  return r;
};

describe('jq', () => {
  it('. pretty-prints with two spaces', async () => {
    expect((await labShell().run(`echo '{"a":[1,{"b":null}],"c":{}}' | jq .`)).stdout).toBe('{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": {}\n}\n');
  });

  it('follows paths, indexes and iterates', async () => {
    expect((await jq(`-c '.items[0].metadata' pods.json`)).stdout).toBe('{"name":"orders-v1-7d9f","labels":{"app":"orders"}}\n');
    expect((await jq(`-r '.items[].metadata.name' pods.json`)).stdout).toBe('orders-v1-7d9f\norders-v2-5c2a\nsleep-6b8f\n');
    expect((await jq(`'.items[-1].status.phase' pods.json`)).stdout).toBe('"Pending"\n');
    expect((await jq(`'.items[5]' pods.json`)).stdout).toBe('null\n');
    expect((await jq(`'.items[0].metadata.labels.version' pods.json`)).stdout).toBe('null\n');
  });

  it('select(), ==, and, // and has()', async () => {
    expect((await jq(`-r '.items[] | select(.metadata.labels.version == null) | .metadata.name' pods.json`)).stdout).toBe('orders-v1-7d9f\nsleep-6b8f\n');
    expect((await jq(`-r '.items[] | select(.metadata.labels.app == "orders" and .status.phase == "Running") | .metadata.labels.version // "none"' pods.json`)).stdout).toBe('none\nv2\n');
    expect((await jq(`-c '[.items[].metadata.labels | has("version")]' pods.json`)).stdout).toBe('[false,true,false]\n');
  });

  it('keys, length, map(), sort, unique, add', async () => {
    expect((await jq(`-c 'keys' pods.json`)).stdout).toBe('["items","kind"]\n');
    expect((await jq(`'.items | length' pods.json`)).stdout).toBe('3\n');
    expect((await jq(`-c '.items | map(.metadata.labels.app) | unique' pods.json`)).stdout).toBe('["orders","sleep"]\n');
    expect((await jq(`-c '.items[0].metadata.labels | keys' pods.json`)).stdout).toBe('["app"]\n');
    expect((await jq(`-c '[.items[].metadata.name | length] | add' pods.json`)).stdout).toBe('38\n');
    expect((await jq(`-c '[3,1,2] | sort' pods.json`)).stdout).toBe('[1,2,3]\n');
  });

  it('constructs objects and arrays', async () => {
    expect((await jq(`-c '.items[] | {name: .metadata.name, phase: .status.phase}' pods.json`)).stdout).toBe(
      '{"name":"orders-v1-7d9f","phase":"Running"}\n{"name":"orders-v2-5c2a","phase":"Running"}\n{"name":"sleep-6b8f","phase":"Pending"}\n',
    );
    expect((await jq(`-c '{kind}' pods.json`)).stdout).toBe('{"kind":"List"}\n');
    expect((await jq(`-c '[.items[] | .status.phase] | group_by(.) | map({(.[0]): length})' pods.json`)).stdout).toBe('[{"Pending":1},{"Running":2}]\n');
  });

  it('reads a stream of values (NDJSON) and slurps with -s', async () => {
    const sh = labShell();
    expect((await sh.run(`echo '{"c":503} {"c":200} {"c":503}' | jq -c 'select(.c >= 500)'`)).stdout).toBe('{"c":503}\n{"c":503}\n');
    expect((await sh.run(`echo '1 2 3' | jq -s add`)).stdout).toBe('6\n');
  });

  it('reports a type error with exit 5, and a syntax error with exit 3', async () => {
    const typeError = await jq(`'.items.name' pods.json`);
    expect(typeError.exitCode).toBe(5);
    expect(typeError.stderr).toContain('Cannot index array with "name"');
    const syntax = await jq(`'.items[' pods.json`);
    expect(syntax.exitCode).toBe(3);
    expect(syntax.stderr).toContain('compile error');
  });

  it('? suppresses errors', async () => {
    expect((await jq(`-c '[.items[] | .metadata.name.x?]' pods.json`)).stdout).toBe('[]\n');
  });

  it('refuses input that is not JSON', async () => {
    const r = await labShell().run('cat numbers.txt | jq .');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^jq: error \(at <stdin>\): Cannot parse the input as JSON at line 1/);
  });
});
