// Reads a JSON array of Kubernetes objects on stdin and validates each against the Kubernetes
// OpenAPI schemas shipped by kubernetes-models. Prints a JSON array with one entry per object:
// {"kind", "name", "error"} where error is null when the object is valid.
'use strict';
const chunks = [];
process.stdin.on('data', c => chunks.push(c));
process.stdin.on('end', () => {
  const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = objects.map(obj => {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [null, obj.apiVersion];
    const module = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
    const name = obj.metadata && obj.metadata.name;
    let Model;
    try {
      Model = require(module)[obj.kind];
    } catch (e) {
      return { kind: obj.kind, name, error: `no schema module ${module}: ${e.message}` };
    }
    if (!Model) {
      return { kind: obj.kind, name, error: `no schema for ${obj.apiVersion} ${obj.kind}` };
    }
    try {
      new Model(obj).validate();
      return { kind: obj.kind, name, error: null };
    } catch (e) {
      return { kind: obj.kind, name, error: e.message };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
