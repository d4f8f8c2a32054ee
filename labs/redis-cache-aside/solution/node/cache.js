// A Redis cache in front of the users table (cache-aside).
'use strict';
const { Client } = require('pg');
const { createClient } = require('@redis/client'); // node-redis 4's client, without its modules

const TTL_SECONDS = 300; // long enough to help, short enough to heal a miss

let dbConn = null;
let redisConn = null;

function db() {
  dbConn ??= (async () => {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    return client;
  })();
  return dbConn;
}

function cache() {
  redisConn ??= (async () => {
    const client = createClient({ url: process.env.REDIS_URL });
    client.on('error', (err) => console.error('redis:', err.message));
    await client.connect();
    return client;
  })();
  return redisConn;
}

async function loadUser(userId) {
  const { rows } = await (await db()).query('SELECT id, name, email FROM users WHERE id = $1', [userId]);
  return rows[0] ?? null;
}

const key = (userId) => `user:${userId}`;

async function getUser(userId) {
  const cached = await (await cache()).get(key(userId));
  if (cached !== null) {
    return JSON.parse(cached);
  }
  const user = await loadUser(userId);
  if (user !== null) {
    await (await cache()).set(key(userId), JSON.stringify(user), { EX: TTL_SECONDS });
  }
  return user;
}

async function updateUserEmail(userId, email) {
  await (await db()).query('UPDATE users SET email = $1 WHERE id = $2', [email, userId]);
  // Invalidate after the write: the next read loads the new row.
  await (await cache()).del(key(userId));
}

module.exports = { getUser, updateUserEmail, loadUser, db, cache };
