'use strict';
// Drives a Tunnelstore server with the official Tablestore Node.js SDK (npm `tablestore`, pinned in package.json),
// the way its own samples use it against the public service. Every check asserts exact values; the script prints one
// line per check and exits non-zero if any failed. Run by server's NodeSdkCompatibilityIT (see docs/compatibility.md),
// or by hand against any server:
//   TS_ENDPOINT=http://127.0.0.1:8800 TS_INSTANCE=tunnelstore TS_AK=... TS_SK=... node compat.js
const assert = require('node:assert/strict');
const TableStore = require('tablestore');
const Long = TableStore.Long;

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return v;
}

const client = new TableStore.Client({
  accessKeyId: env('TS_AK'),
  secretAccessKey: env('TS_SK'),
  endpoint: env('TS_ENDPOINT'),
  instancename: env('TS_INSTANCE'),
  maxRetries: 0,
});

const TABLE = 'node_rows';
const AUTO = 'node_auto_increment';
const IGNORE = new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);
// Client-chosen versions must lie within the table's max time deviation (one day) of the server clock.
const BASE_TS = Date.now() - 60_000;

// Values come back as JS numbers, strings, booleans or Int64 objects; compare them through this plain form.
function plain(value) {
  if (value === null || value === undefined) return value;
  if (typeof value === 'object' && typeof value.toNumber === 'function') return `int:${value.toString()}`;
  if (typeof value === 'number' && Number.isInteger(value)) return `int:${value}`;
  return value;
}
function keyOf(row) {
  return row.primaryKey.map((c) => [c.name, plain(c.value)]);
}
function columnsOf(row) {
  return row.attributes.map((a) => [a.columnName, plain(a.columnValue)]);
}
function versionsOf(row, column) {
  return row.attributes.filter((a) => a.columnName === column)
    .map((a) => [plain(a.columnValue), Number(a.timestamp.toString())]);
}
function pk(name, id) {
  return [{ pk: name }, { id: Long.fromNumber(id) }];
}
async function getRow(primaryKey, extra) {
  return client.getRow(Object.assign({ tableName: TABLE, primaryKey, maxVersions: 1 }, extra || {}));
}
async function scan(table, direction, start, end, limit) {
  const rows = [];
  let from = start;
  let pages = 0;
  for (;;) {
    const data = await client.getRange({
      tableName: table, direction, inclusiveStartPrimaryKey: from, exclusiveEndPrimaryKey: end, limit,
    });
    pages += 1;
    rows.push(...data.rows);
    if (!data.nextStartPrimaryKey) return { rows, pages };
    from = data.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value }));
  }
}

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

check('createTable and describeTable', async () => {
  await client.createTable({
    tableMeta: { tableName: TABLE, primaryKey: [{ name: 'pk', type: 'STRING' }, { name: 'id', type: 'INTEGER' }] },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 3 },
  });
  await client.createTable({
    tableMeta: {
      tableName: AUTO,
      primaryKey: [{ name: 'part', type: 'STRING' }, { name: 'seq', type: 'INTEGER', option: 'AUTO_INCREMENT' }],
    },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1 },
  });
  const list = await client.listTable({});
  assert.deepEqual([...list.tableNames].sort(), [AUTO, TABLE]);
  const described = await client.describeTable({ tableName: TABLE });
  // Types come back as the protobuf enum numbers (INTEGER = 1, STRING = 2), as from the public service.
  assert.deepEqual(described.tableMeta.primaryKey.map((c) => [c.name, c.type]), [['pk', 2], ['id', 1]]);
  assert.equal(described.tableOptions.maxVersions, 3);
});

check('putRow and getRow', async () => {
  await client.putRow({
    tableName: TABLE, condition: IGNORE, primaryKey: pk('a', 1),
    attributeColumns: [{ s: 'text' }, { n: Long.fromNumber(5) }, { d: 1.5 }, { b: true }, { old: 'v0', timestamp: Long.fromNumber(BASE_TS) }],
  });
  const data = await getRow(pk('a', 1));
  assert.deepEqual(keyOf(data.row), [['pk', 'a'], ['id', 'int:1']]);
  assert.deepEqual(columnsOf(data.row), [['b', true], ['d', 1.5], ['n', 'int:5'], ['old', 'v0'], ['s', 'text']]);
  assert.deepEqual(versionsOf(data.row, 'old'), [['v0', BASE_TS]]);
});

check('putRow with EXPECT_NOT_EXIST on an existing row fails the condition', async () => {
  await assert.rejects(client.putRow({
    tableName: TABLE, primaryKey: pk('a', 1), attributeColumns: [{ s: 'other' }],
    condition: new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null),
  }), (e) => {
    // The SDK reads error bodies as XML; the service's protobuf error lands in the message after the HTTP status.
    assert.equal(e.code, 403);
    assert.match(e.message, /OTSConditionCheckFail.*Condition check failed\./s);
    return true;
  });
});

check('updateRow PUT with a timestamp', async () => {
  await client.updateRow({
    tableName: TABLE, condition: IGNORE, primaryKey: pk('a', 1),
    updateOfAttributeColumns: [{ PUT: [{ old: 'v1', timestamp: Long.fromNumber(BASE_TS + 1) }, { s: 'changed' }] }],
  });
  const data = await getRow(pk('a', 1), { maxVersions: 3 });
  assert.deepEqual(versionsOf(data.row, 'old'), [['v1', BASE_TS + 1], ['v0', BASE_TS]]);
  // Server-assigned versions may share a millisecond with the put above, so only the newest value is certain.
  assert.equal(versionsOf(data.row, 's')[0][0], 'changed');
});

check('updateRow DELETE of one version', async () => {
  await client.updateRow({
    tableName: TABLE, condition: IGNORE, primaryKey: pk('a', 1),
    updateOfAttributeColumns: [{ DELETE: [{ old: Long.fromNumber(BASE_TS + 1) }] }],
  });
  const data = await getRow(pk('a', 1), { maxVersions: 3 });
  assert.deepEqual(versionsOf(data.row, 'old'), [['v0', BASE_TS]]);
});

check('updateRow INCREMENT and DELETE_ALL', async () => {
  await client.updateRow({
    tableName: TABLE, condition: IGNORE, primaryKey: pk('a', 1),
    updateOfAttributeColumns: [{ INCREMENT: [{ n: Long.fromNumber(3) }] }, { DELETE_ALL: ['d', 'old'] }],
  });
  const data = await getRow(pk('a', 1));
  assert.deepEqual(columnsOf(data.row), [['b', true], ['n', 'int:8'], ['s', 'changed']]);
});

check('deleteRow', async () => {
  await client.putRow({ tableName: TABLE, condition: IGNORE, primaryKey: pk('gone', 1), attributeColumns: [{ s: 'x' }] });
  await client.deleteRow({ tableName: TABLE, condition: IGNORE, primaryKey: pk('gone', 1) });
  const data = await getRow(pk('gone', 1));
  assert.equal(data.row.primaryKey, undefined);
});

const autoIncrementKeys = [];

check('putRow with an auto-increment key returns the assigned key', async () => {
  const data = await client.putRow({
    tableName: AUTO, condition: IGNORE, primaryKey: [{ part: 'p' }, { seq: TableStore.PK_AUTO_INCR }],
    attributeColumns: [{ v: 'first' }], returnContent: { returnType: TableStore.ReturnType.Primarykey },
  });
  const key = keyOf(data.row);
  assert.equal(key[0][0], 'part');
  assert.equal(key[0][1], 'p');
  assert.equal(key[1][0], 'seq');
  assert.match(key[1][1], /^int:\d+$/);
  autoIncrementKeys.push(data.row.primaryKey[1].value);
});

check('batchWriteRow with auto-increment keys and mixed operations', async () => {
  const data = await client.batchWriteRow({
    tables: [
      {
        tableName: AUTO,
        rows: [1, 2].map((i) => ({
          type: 'PUT', condition: IGNORE, primaryKey: [{ part: 'p' }, { seq: TableStore.PK_AUTO_INCR }],
          attributeColumns: [{ v: `batch-${i}` }], returnContent: { returnType: TableStore.ReturnType.Primarykey },
        })),
      },
      {
        tableName: TABLE,
        rows: [
          { type: 'PUT', condition: IGNORE, primaryKey: pk('b', 1), attributeColumns: [{ s: 'b1' }] },
          { type: 'PUT', condition: IGNORE, primaryKey: pk('b', 2), attributeColumns: [{ s: 'b2' }] },
          {
            type: 'UPDATE', condition: IGNORE, primaryKey: pk('c', 1),
            attributeColumns: [{ PUT: [{ s: 'c1', timestamp: Long.fromNumber(BASE_TS + 7) }] }],
          },
        ],
      },
    ],
  });
  assert.equal(data.tables.length, 5);
  for (const row of data.tables) {
    assert.equal(row.isOk, true, JSON.stringify(row));
  }
  for (const row of data.tables.filter((r) => r.tableName === AUTO)) {
    autoIncrementKeys.push(row.primaryKey[1].value);
  }
  const written = await getRow(pk('c', 1));
  assert.deepEqual(versionsOf(written.row, 's'), [['c1', BASE_TS + 7]]);
});

check('auto-increment keys are distinct, increasing and readable', async () => {
  const ids = autoIncrementKeys.map((v) => BigInt(v.toString()));
  assert.equal(ids.length, 3);
  assert.ok(ids[0] < ids[1] && ids[1] < ids[2], `not increasing: ${ids}`);
  const { rows } = await scan(AUTO, TableStore.Direction.FORWARD,
    [{ part: TableStore.INF_MIN }, { seq: TableStore.INF_MIN }], [{ part: TableStore.INF_MAX }, { seq: TableStore.INF_MAX }], 10);
  assert.deepEqual(rows.map((r) => [plain(r.primaryKey[1].value), columnsOf(r)]),
    autoIncrementKeys.map((v, i) => [plain(v), [['v', ['first', 'batch-1', 'batch-2'][i]]]]));
});

check('getRange with INF_MIN/INF_MAX bounds, forward and backward, paged', async () => {
  const expected = [['a', 'int:1'], ['b', 'int:1'], ['b', 'int:2'], ['c', 'int:1']];
  const forward = await scan(TABLE, TableStore.Direction.FORWARD,
    [{ pk: TableStore.INF_MIN }, { id: TableStore.INF_MIN }], [{ pk: TableStore.INF_MAX }, { id: TableStore.INF_MAX }], 3);
  assert.deepEqual(forward.rows.map((r) => keyOf(r).map((c) => c[1])), expected);
  assert.equal(forward.pages, 2);
  const backward = await scan(TABLE, TableStore.Direction.BACKWARD,
    [{ pk: TableStore.INF_MAX }, { id: TableStore.INF_MAX }], [{ pk: TableStore.INF_MIN }, { id: TableStore.INF_MIN }], 10);
  assert.deepEqual(backward.rows.map((r) => keyOf(r).map((c) => c[1])), [...expected].reverse());
  const partial = await scan(TABLE, TableStore.Direction.FORWARD,
    [{ pk: 'b' }, { id: TableStore.INF_MIN }], [{ pk: 'b' }, { id: TableStore.INF_MAX }], 10);
  assert.deepEqual(partial.rows.map((r) => columnsOf(r)), [[['s', 'b1']], [['s', 'b2']]]);
});

check('batchGetRow', async () => {
  const data = await client.batchGetRow({
    tables: [{ tableName: TABLE, primaryKey: [pk('b', 2), pk('missing', 1), pk('b', 1)], maxVersions: 1 }],
  });
  const rows = data.tables[0];
  assert.equal(rows.length, 3);
  assert.deepEqual(rows.map((r) => r.isOk), [true, true, true]);
  assert.deepEqual(columnsOf(rows[0]), [['s', 'b2']]);
  assert.equal(rows[1].primaryKey, null);
  assert.deepEqual(columnsOf(rows[2]), [['s', 'b1']]);
});

check('deleteTable', async () => {
  await client.deleteTable({ tableName: AUTO });
  await client.deleteTable({ tableName: TABLE });
  const list = await client.listTable({});
  assert.deepEqual([...list.tableNames], []);
});

(async () => {
  let failed = 0;
  for (const { name, fn } of checks) {
    try {
      await fn();
      console.log(`ok - ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`not ok - ${name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`node sdk compat: ${checks.length - failed} of ${checks.length} checks passed`);
  process.exitCode = failed === 0 ? 0 : 1;
})();
