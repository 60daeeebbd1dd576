// The sign-in reference: how many argon2id verifications per second this machine does at the
// same parameters, with as many in flight as libuv's thread pool runs (what the server gets).
import { hash, verify } from '@node-rs/argon2'

const params = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const
const seconds = Number(process.argv[2] ?? 10)
const concurrency = Number(process.argv[3] ?? 4)
const hashed = await hash('a perfectly fine passphrase', params)
let done = 0
const end = Date.now() + seconds * 1000
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      await verify(hashed, 'a perfectly fine passphrase')
      done++
    }
  }),
)
console.log(JSON.stringify({ verifiesPerSec: Math.round(done / seconds) }))
