// Free loopback ports for tests that start servers on fixed ports (a real SAIO takes a block of them):
// other clusters may run on the same box, so ports are probed, never derived from a pid.
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.once('error', () => {
      socket.close()
      resolve(false)
    })
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)))
  })
}

/**
 * The first port of `size` consecutive ports, all free on 127.0.0.1 for both TCP and UDP right now, tried from
 * a random start in 20000–59999 (random, so concurrent test runs rarely race for the same block).
 */
export async function freePortBlock(size: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (40_000 - size))
    let free = true
    for (let p = base; p < base + size && free; p++) free = (await tcpFree(p)) && (await udpFree(p))
    if (free) return base
  }
  throw new Error(`no block of ${size} free ports on 127.0.0.1`)
}
