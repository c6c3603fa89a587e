// An InstanceInfo as the service would send it, for tests of what shows instances (the panel, the tray):
// `object-server.2` is the second config of object-server in /etc/swift, its pid file in /var/run/swift.
import { groupOf } from '../../shared/swift.js'
import type { InstanceInfo } from '../../shared/types.js'

export function instanceInfo(id: string, state: InstanceInfo['state'] = 'stopped', more: Partial<InstanceInfo> = {}): InstanceInfo {
  const [server = id, n] = id.split('.')
  const path = n ? `${server}/${n}` : server
  return {
    id,
    server,
    group: groupOf(server),
    number: n ? Number(n) : null,
    confFile: `/etc/swift/${path}.conf`,
    pidFile: `/var/run/swift/${path}.pid`,
    pid: state === 'running' ? 100 : null,
    state,
    startedAt: null,
    cpuPercent: null,
    rssBytes: null,
    workers: [],
    lastExit: null,
    attached: false,
    busy: null,
    ports: [],
    portNote: null,
    health: null,
    recon: false,
    lastPass: null,
    orphans: [],
    ...more,
  }
}
