// Small inline SVG icons, 24×24 stroked paths: no icon font, nothing remote.

const stroked = (...paths: string[]) => ({ paths, filled: false })
const filled = (...paths: string[]) => ({ paths, filled: true })

export const ICONS = {
  start: filled('M7 4v16l13-8z'),
  stop: filled('M6 6h12v12H6z'),
  restart: stroked('M20 12a8 8 0 1 1-2.34-5.66', 'M20 4v5h-5'),
  reload: stroked('M4 12a8 8 0 0 1 13.66-5.66L20 8', 'M20 3v5h-5', 'M20 12a8 8 0 0 1-13.66 5.66L4 16', 'M4 21v-5h5'),
  shutdown: stroked('M12 3v9', 'M6.3 6.3a8 8 0 1 0 11.4 0'),
  kill: stroked('M13 2L4 14h7l-1 8 9-12h-7z'),
  attach: stroked('M4 6l6 6-6 6', 'M12 19h8'),
  logs: stroked('M4 6h16', 'M4 12h16', 'M4 18h10'),
  copy: stroked('M9 9h11v11H9z', 'M5 15V4h11'),
  close: stroked('M6 6l12 12', 'M18 6L6 18'),
  settings: stroked(
    'M4 6h10',
    'M18 6h2',
    'M4 12h4',
    'M12 12h8',
    'M4 18h12',
    'M14 6a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
    'M8 12a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
    'M16 18a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
  ),
  bell: stroked('M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z', 'M10 21h4'),
  down: stroked('M12 4v16', 'M6 14l6 6 6-6'),
  save: stroked('M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14'),
  clear: stroked('M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13'),
} as const

export type IconName = keyof typeof ICONS
