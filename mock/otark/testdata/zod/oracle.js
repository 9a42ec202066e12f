// The oracle of zod_oracle_test.go: Otark's PATCH body schema
// (specs/otark.yaml, CustomerUpdate) in the real Zod v3, as Otark's Node
// server would declare it. Reads one base64 body per line on stdin and
// writes one JSON line per body: {invalid_json, errors, extra}, where errors
// are Zod's issues in Zod's order and extra the read-only and unknown keys
// (the contract's [C] rule) in JavaScript's property order.
'use strict';
const path = require('path');
const readline = require('readline');
const { z } = require(path.resolve(process.argv[2], 'node_modules', 'zod'));

const BalanceGroup = z.object({
  eic: z.string(),
  tso: z.enum(['DE_AMPRION', 'DE_TENNET', 'DE_TRANSNET_BW', 'DE_50HERTZ']),
});
const CustomerUpdate = z.object({
  status: z.enum(['pending', 'active', 'deactivated']).optional(),
  balance_group: BalanceGroup.optional(),
  metadata: z.record(z.string().nullable()).optional(),
});
const readOnly = ['id', 'name', 'assigned_at', 'activated_at', 'created_at'];

function entry(pathSegs, code, message) {
  const e = { code, message };
  if (pathSegs.length > 0) e.field = pathSegs.join('.');
  return e;
}

function extraKeys(body) {
  const out = [];
  for (const key in body) {
    if (key === 'balance_group') {
      const bg = body[key];
      if (bg !== null && typeof bg === 'object' && !Array.isArray(bg)) {
        for (const k in bg) {
          if (k !== 'eic' && k !== 'tso') out.push(entry([key, k], 'unknown_field', `Unrecognized key(s) in object: '${k}'`));
        }
      }
    } else if (key === 'status' || key === 'metadata') {
      continue;
    } else if (readOnly.includes(key)) {
      out.push(entry([key], 'read_only_field', `'${key}' is read-only and cannot be updated`));
    } else {
      out.push(entry([key], 'unknown_field', `Unrecognized key(s) in object: '${key}'`));
    }
  }
  return out;
}

function check(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return { invalid_json: true, errors: [], extra: [] };
  }
  const res = CustomerUpdate.safeParse(body);
  const errors = res.success ? [] : res.error.issues.map((i) =>
    entry(i.path, i.code === 'invalid_type' && i.received === 'undefined' ? 'required' : i.code, i.message));
  const isObj = body !== null && typeof body === 'object' && !Array.isArray(body);
  return { invalid_json: false, errors, extra: isObj ? extraKeys(body) : [] };
}

const rl = readline.createInterface({ input: process.stdin });
const out = [];
rl.on('line', (line) => out.push(JSON.stringify(check(Buffer.from(line, 'base64').toString('utf8')))));
rl.on('close', () => process.stdout.write(out.join('\n') + '\n'));
