// A Redis cache in front of the users table (cache-aside).
//
// DATABASE_URL and REDIS_URL say where Postgres and Redis are; the helpers
// below connect once per process. The checks call getUser and
// updateUserEmail; both may be async.
'use strict';
const { Client } = require('pg');
const { createClient } = require('@redis/client'); // node-redis 4's client, without its modules

let dbConn = null;
let redisConn = null;

// The connection to Postgres (each statement is saved as it runs).
function db() {
  dbConn ??= (async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    return client;
  })();
  return dbConn;
}

// The client of Redis (node-redis 4): get, set(key, value, { EX: seconds }), del.
function cache() {
  redisConn ??= (async () => {
    const client = createClient({ url: process.env.REDIS_URL });
    client.on('error', (err) => console.error('redis:', err.message));
    await client.connect();
    return client;
  })();
  return redisConn;
}

// Reads one user from Postgres: { id, name, email }, or null when there is none.
async function loadUser(userId) {
  const { rows } = await (await db()).query('SELECT id, name, email FROM users WHERE id = $1', [userId]);
  return rows[0] ?? null;
}

// Returns user userId as { id, name, email }, or null.
//
// TODO: look in Redis first (key user:<id>, the user as JSON); on a miss,
// read Postgres and keep the answer in Redis with a TTL.
async function getUser(userId) {
  throw new Error('TODO: getUser');
}

// Changes the user's email in Postgres.
//
// TODO: and make sure the next getUser does not return the old email.
async function updateUserEmail(userId, email) {
  throw new Error('TODO: updateUserEmail');
}

module.exports = { getUser, updateUserEmail, loadUser, db, cache };
