import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import OrphansDialog from '../../renderer/src/components/OrphansDialog.vue'
import ProblemsList from '../../renderer/src/components/ProblemsList.vue'
import ServicesTable from '../../renderer/src/components/ServicesTable.vue'
import { now } from '../../renderer/src/lib/clock'
import { ago, portsText, seconds, stamp } from '../../renderer/src/lib/format'
import { detailsHeight, DETAILS_LINE, workersCount } from '../../renderer/src/lib/insight'
import { RECON_EVERY_MS, useInsightStore } from '../../renderer/src/stores/insight'
import { useNotificationsStore } from '../../renderer/src/stores/notifications'
import { useServicesStore } from '../../renderer/src/stores/services'
import type { HealthInfo, InstanceInfo, OrphanInfo, ReconDetails } from '../../shared/types'
import type { Answers } from './fake-bridge'
import { find, inst, settle, setup, snapshot } from './support'

afterEach(() => vi.useRealTimers())

const NOW = Date.parse('2026-11-29T08:10:00Z')
const health = (word: HealthInfo['word'], detail: string): HealthInfo => ({ word, detail, checkedAt: NOW })
const orphans: OrphanInfo[] = [
  { pid: 4243, role: 'worker', listening: true, startedAt: NOW - 60_000 },
  { pid: 4244, role: 'worker', listening: true, startedAt: NOW - 60_000 },
]

/** A SAIO as the service sees it with insight: ports, health words, a daemon's last pass. */
const INSIGHT = (): InstanceInfo[] => [
  inst('proxy-server', 'running', { ports: [8080], health: health('healthy', 'GET /healthcheck: 200 OK') }),
  // SIGSTOPped: still running, not answering
  inst('object-server.1', 'running', { ports: [6010, 6011], recon: true, health: health('unhealthy', 'no answer in 1 s on port 6010') }),
  inst('object-server.2', 'stopped', {
    ports: [],
    portNote:
      "bind_port wasn't properly set in the config file. It must be explicitly set to a valid port number. (object-server will not start)",
  }),
  inst('object-replicator.1', 'stopped', {
    lastPass: { at: NOW - 150_000, source: 'recorded', durationSec: 12.6, counts: { success: 12, failure: 0 }, error: null },
  }),
  inst('object-replicator.2', 'stopped', { lastPass: { at: null, source: null, durationSec: null, counts: {}, error: null } }),
]

function mountTable(instances: InstanceInfo[] = INSIGHT(), answers: Answers = {}) {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] })
  // the page's one ticking clock
  now.value = NOW
  const { fake, pinia } = setup(answers)
  const services = useServicesStore()
  services.accept(snapshot(instances))
  const w = mount(ServicesTable, { global: { plugins: [pinia] }, attachTo: document.body })
  return { w, fake, services, insight: useInsightStore(), pinia }
}
type Wrapper = ReturnType<typeof mountTable>['w']
const button = (w: Wrapper, name: string) => w.get(`button[aria-label="${name}"]`)

describe('insight in the rows', () => {
  it('shows a WSGI server’s port after its id and one health word, apart from its state; nothing where no port applies', () => {
    const { w } = mountTable()
    const proxy = w.get('tr#row-proxy-server')
    expect(proxy.get('td.id .port').text()).toBe(':8080')
    const word = button(w, 'Health of proxy-server: healthy')
    expect(word.text()).toBe('healthy')
    expect(word.attributes('title')).toBe('GET /healthcheck: 200 OK')
    expect(word.classes()).toContain('tone-ok')

    // a SIGSTOPped server is running, and unhealthy
    const stopped = w.get('tr#row-object-server\\.1')
    expect(stopped.attributes('aria-label')).toBe('object-server.1 running')
    expect(stopped.get('td.state').text()).toBe('running')
    expect(button(w, 'Health of object-server.1: unhealthy').attributes('title')).toBe('no answer in 1 s on port 6010')
    expect(button(w, 'Health of object-server.1: unhealthy').classes()).toContain('tone-warn')
    // several ports: the first, and how many more; all of them in the title
    expect(stopped.get('td.id .port').text()).toBe(':6010 +1')
    expect(stopped.get('td.id .port').attributes('title')).toBe('Listens on ports 6010, 6011')

    // no port: said, with why, and no health word
    const noPort = w.get('tr#row-object-server\\.2')
    expect(noPort.get('td.id .port').text()).toBe('no port')
    expect(noPort.get('td.id .port').attributes('title')).toContain("bind_port wasn't properly set")
    expect(noPort.find('td.health-cell').text()).toBe('')
  })

  it('shows a background daemon’s last pass as an age, with its duration in the title', () => {
    const { w } = mountTable()
    const daemon = w.get('tr#row-object-replicator\\.1 td.health-cell .last-pass')
    expect(daemon.text()).toBe('Last pass 2 min ago')
    expect(daemon.attributes('title')).toBe(`The last pass ended ${stamp(NOW - 150_000)}, took 12.6 s. success 12, failure 0.`)
    expect(w.get('tr#row-object-replicator\\.2 td.health-cell').text()).toBe('Last pass no pass yet')
    expect(w.findAll('tr#row-object-replicator\\.1 button[aria-label^="Health of"]')).toHaveLength(0)
  })

  it('opens the details from the health word, and keeps them open on a second click', async () => {
    const { w, services } = mountTable()
    await button(w, 'Health of object-server.1: unhealthy').trigger('click')
    expect(services.expanded.has('object-server.1')).toBe(true)
    await button(w, 'Health of object-server.1: unhealthy').trigger('click')
    expect(services.expanded.has('object-server.1')).toBe(true)
  })

  it('counts workers, new+old while a reload finishes, with their pids in the title', () => {
    const { w } = mountTable([
      inst('proxy-server', 'running', {
        workers: [
          { pid: 11, startedAt: NOW - 5000, generation: 'current' },
          { pid: 12, startedAt: NOW - 5000, generation: 'current' },
          { pid: 9, startedAt: NOW - 90_000, generation: 'old' },
        ],
      }),
    ])
    const cell = w.findAll('tr#row-proxy-server td.num').at(-1)!
    expect(cell.text()).toBe('2+1')
    expect(cell.attributes('title')).toBe('2 new, 1 old (finishing after a reload): 11, 12, 9 (old)')
    expect(workersCount([])).toBe('—')
  })

  it('shows orphans of a server that is not running where its health would be', () => {
    const { w } = mountTable([inst('proxy-server', 'crashed', { ports: [8080], orphans })])
    const b = button(w, 'Orphans of proxy-server: 2, still serving')
    expect(b.text()).toBe('2 orphans')
    expect(b.attributes('title')).toBe(
      'Processes of its server and conf that no pid file names: 4243 worker, still serving; 4244 worker, still serving',
    )
  })
})

describe('insight in the details row', () => {
  it('says its ports or why none, health and why, workers with uptime and generation, and grows to hold them', async () => {
    const { w, services } = mountTable([
      ...INSIGHT().slice(0, 3),
      inst('proxy-server.2', 'running', {
        group: 'main',
        ports: [8081],
        workers: [
          { pid: 21, startedAt: NOW - 3000, generation: 'current' },
          { pid: 20, startedAt: NOW - 65_000, generation: 'old' },
        ],
      }),
    ])
    for (const id of ['object-server.1', 'object-server.2', 'proxy-server.2']) services.toggleDetails(id, true)
    await nextTick()
    const one = w.get('section[aria-label="Details of object-server.1"]')
    expect(one.text()).toContain('Ports6010, 6011')
    expect(one.text()).toContain('Healthunhealthyno answer in 1 s on port 6010')
    const two = w.get('section[aria-label="Details of object-server.2"]')
    expect(two.text()).toContain("bind_port wasn't properly set")
    expect(two.text()).toContain('Healthno port to probe')
    const reloading = w.get('section[aria-label="Details of proxy-server.2"]')
    expect(reloading.text()).toContain('Workersnew: 21 up 3s; old, finishing after a reload: 20 up 1m 5s (old)')
    // the row is as tall as its lines
    const row = reloading.element.closest('tr')!
    expect(row.style.height).toBe(
      `${detailsHeight(
        services.instances.find((i) => i.id === 'proxy-server.2')!,
        undefined,
      )}px`,
    )
    expect(detailsHeight(inst('a-server', 'running', { workers: [{ pid: 1, startedAt: 0, generation: 'current' }] }), undefined)).toBe(
      14 + 5 * DETAILS_LINE,
    )
  })

  it('reads a storage server’s recon on demand, at most every 10 s, and shows what it says', async () => {
    const recon: ReconDetails = {
      instanceId: 'object-server.1',
      fetchedAt: NOW,
      async: { ok: true, value: { asyncPending: 3, asyncPendingLastAt: null } },
      quarantined: { ok: true, value: { objects: 2, containers: 0, accounts: 0, policies: { '0': 2 } } },
      diskUsage: {
        ok: true,
        value: [
          { device: 'sdb1', mounted: true, size: 10 * 2 ** 30, used: 2 ** 30, avail: 9 * 2 ** 30 },
          { device: 'sdb5', mounted: 'Input/output error', size: null, used: null, avail: null },
        ],
      },
      rings: {
        ok: true,
        value: [
          { ring: 'account.ring.gz', serverMd5: 'aa', localMd5: 'aa', agrees: true },
          { ring: 'object.ring.gz', serverMd5: 'bb', localMd5: 'cc', agrees: false },
        ],
      },
    }
    const { w, fake, services, insight } = mountTable(INSIGHT(), { 'instances:recon': recon })
    services.toggleDetails('object-server.1', true)
    services.toggleDetails('proxy-server', true)
    await nextTick()
    // storage servers only
    expect(w.find('button[aria-label="Read recon of proxy-server"]').exists()).toBe(false)
    const read = button(w, 'Read recon of object-server.1')
    expect(read.text()).toBe('Read recon')
    const before = detailsHeight(services.instances[1]!, undefined)
    await read.trigger('click')
    await flushPromises()
    expect(fake.sent('instances:recon')).toEqual([{ instanceId: 'object-server.1' }])
    const box = w.get('dl[aria-label="Recon of object-server.1"]')
    expect(box.text()).toContain('Async pendings3')
    expect(box.text()).toContain('Quarantined2 objects, 0 containers, 0 accounts (policy 0: 2)')
    expect(box.text()).toContain('object.ring.gz differs (server bb, this swift dir cc)')
    expect(box.text()).toContain('sdb1: 1.0 GiB used of 10.0 GiB (10%), 9.0 GiB free')
    expect(box.text()).toContain('sdb5: not mounted (Input/output error)')
    // the row grew by the recon's lines: 3, and one per device
    const row = box.element.closest('tr')!
    expect(parseFloat(row.style.height)).toBe(before + 5 * DETAILS_LINE)

    // not again within 10 s: the button says when
    expect(button(w, 'Read recon of object-server.1').attributes('disabled')).toBeDefined()
    await insight.readRecon('object-server.1', NOW + RECON_EVERY_MS - 1)
    expect(fake.sent('instances:recon')).toHaveLength(1)
    await insight.readRecon('object-server.1', NOW + RECON_EVERY_MS)
    expect(fake.sent('instances:recon')).toHaveLength(2)
  })

  it('offers recon only where the pipeline has the recon filter', async () => {
    const { w, services } = mountTable([...INSIGHT(), inst('container-server.1', 'running', { ports: [6011], recon: false })])
    services.toggleDetails('container-server.1', true)
    services.toggleDetails('object-server.1', true)
    await nextTick()
    expect(w.find('button[aria-label="Read recon of container-server.1"]').exists()).toBe(false)
    expect(w.find('button[aria-label="Read recon of object-server.1"]').exists()).toBe(true)
  })

  it('says so when recon cannot be read (it does not answer), keeping the rest', async () => {
    const { w, services } = mountTable(INSIGHT(), {
      'instances:recon': () => ({ ok: false, error: { code: 'failed', message: 'object-server.1 has no recon filter in its pipeline' } }),
    })
    services.toggleDetails('object-server.1', true)
    await nextTick()
    await button(w, 'Read recon of object-server.1').trigger('click')
    await flushPromises()
    const details = w.get('section[aria-label="Details of object-server.1"]')
    expect(details.text()).toContain('object-server.1 has no recon filter in its pipeline')
    expect(details.find('dl.recon').exists()).toBe(false)
  })
})

describe('Stop orphans', () => {
  it('is in the row’s menu and its details under one name, asks first with Cancel focused, then shows what became of each pid', async () => {
    const { w, fake, pinia } = mountTable([inst('proxy-server', 'crashed', { ports: [8080], orphans })], {
      'instances:stop-orphans': [
        { pid: 4243, outcome: 'terminated', signals: ['SIGTERM'], reason: null },
        { pid: 4244, outcome: 'survived', signals: ['SIGTERM', 'SIGKILL'], reason: 'uninterruptible sleep' },
      ],
    })
    mount(OrphansDialog, { global: { plugins: [pinia] }, attachTo: document.body })
    await button(w, 'More actions for proxy-server').trigger('click')
    await nextTick()
    find('[role="menuitem"][aria-label="Stop orphans of proxy-server"]').click()
    await settle()
    const ask = find('[role="alertdialog"]')
    expect(ask.getAttribute('aria-label')).toBe('Stop orphans of proxy-server?')
    expect([...ask.querySelectorAll('li')].map((l) => l.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '4243 worker, still serving, up 1m 0s',
      '4244 worker, still serving, up 1m 0s',
    ])
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel')
    expect(fake.sent('instances:stop-orphans')).toEqual([])

    // Cancel stops nothing; the details row's button asks again
    ;(document.activeElement as HTMLElement).click()
    await settle()
    expect(document.body.querySelector('[role="alertdialog"]')).toBeNull()
    useServicesStore().toggleDetails('proxy-server', true)
    await nextTick()
    await w.get('section[aria-label="Details of proxy-server"] button[aria-label="Stop orphans of proxy-server"]').trigger('click')
    await settle()
    const again = find('[role="alertdialog"]')
    ;[...again.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop orphans of proxy-server')?.click()
    await settle()
    expect(fake.sent('instances:stop-orphans')).toEqual([{ instanceId: 'proxy-server' }])
    const rows = [...find('table[aria-label="What became of each orphan"]').querySelectorAll('tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((c) => c.textContent),
    )
    expect(rows).toEqual([
      ['4243', 'terminated', 'SIGTERM'],
      ['4244', 'survived (uninterruptible sleep)', 'SIGTERM, SIGKILL'],
    ])
    expect(document.activeElement?.textContent?.trim()).toBe('Close')
    expect(useNotificationsStore().all[0]).toMatchObject({
      level: 'warning',
      title: '1 of the orphans of proxy-server still run',
      body: '4243: terminated\n4244: survived (uninterruptible sleep)',
    })
  })

  it('says when the service could not stop them', async () => {
    const { pinia } = mountTable([inst('proxy-server', 'crashed', { orphans })], {
      'instances:stop-orphans': () => ({ ok: false, error: { code: 'failed', message: 'the service is busy' } }),
    })
    mount(OrphansDialog, { global: { plugins: [pinia] }, attachTo: document.body })
    const insight = useInsightStore()
    insight.askStopOrphans('proxy-server')
    await insight.stopOrphans()
    await settle()
    expect(find('[role="alertdialog"] [role="alert"]').textContent).toBe('Not stopped: the service is busy')
    insight.askStopOrphans('nothing-here')
    expect(useNotificationsStore().all[0]?.title).toBe('nothing-here has no orphans now')
  })
})

describe('problems from insight', () => {
  it('reads orphans plainly, per instance, each with its one action; a silent log target with Send all logs here', async () => {
    const { pinia } = mountTable([inst('proxy-server', 'crashed', { orphans }), inst('object-server.1', 'running')])
    useServicesStore().accept(
      snapshot([inst('proxy-server', 'crashed', { orphans }), inst('object-server.1', 'running')], {
        seq: 2,
        problems: [
          {
            code: 'orphans',
            message: 'Orphan processes of this swift dir, named by no pid file: 4243 (proxy-server worker, still serving).',
            hint: 'Stop them',
            paths: ['/etc/swift/proxy-server.conf'],
          },
          {
            code: 'silent-log-target',
            message: "object-server.1's log lines are lost: its conf sends them to UDP 127.0.0.1:5514, where nothing listens.",
            hint: 'Send its logs to the panel ("Send all logs here") or start a syslog receiver on that port.',
            paths: [],
          },
        ],
      }),
    )
    const w = mount(ProblemsList, { global: { plugins: [pinia] } })
    const [orphaned, silent] = w.findAll('.problem')
    expect(orphaned!.text()).toContain(
      'proxy-server: 4243 (worker, still serving), 4244 (worker, still serving), still answering on its port.',
    )
    await orphaned!.get('button[aria-label="Stop orphans of proxy-server"]').trigger('click')
    expect(useInsightStore().orphanStop).toMatchObject({ instanceId: 'proxy-server', phase: 'ask' })
    expect(silent!.text()).toContain(
      "object-server.1's log lines are lost: its conf sends them to UDP 127.0.0.1:5514, where nothing listens.",
    )
    await silent!
      .findAll('button')
      .find((b) => b.text() === 'Send all logs here…')!
      .trigger('click')
    expect(w.emitted('send-logs')).toHaveLength(1)
  })
})

describe('insight’s words', () => {
  it('says ages, durations and ports in a few characters', () => {
    expect([0, 5_000, 150_000, 3 * 3600_000, 50 * 3600_000].map((ms) => ago(NOW - ms, NOW))).toEqual([
      'just now',
      '5 s ago',
      '2 min ago',
      '3 h ago',
      '2 d ago',
    ])
    expect([0.024, 1.2, 12.6, 125, 3840].map(seconds)).toEqual(['24 ms', '1.20 s', '12.6 s', '2 min 5 s', '1 h 4 min'])
    expect([portsText([]), portsText([6010]), portsText([6010, 6011, 6012])]).toEqual(['', ':6010', ':6010 +2'])
  })
})
