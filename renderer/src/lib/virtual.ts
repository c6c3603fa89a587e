// A small virtual scroller for fixed-height rows: which rows are in view (plus a margin), and the space the
// rows above and below take. Only those rows go in the DOM, so a list's length costs nothing to render.

import { computed, onMounted, onUnmounted, ref, type Ref } from 'vue'

export interface WindowOptions {
  /** Rows rendered beyond each edge of the view. */
  margin?: number
  /** Height of a sticky header above the first row, inside the viewport. */
  header?: number
}

export function useVirtualWindow(
  viewport: Ref<HTMLElement | null>,
  count: Ref<number>,
  rowHeight: number,
  { margin = 10, header = 0 }: WindowOptions = {},
) {
  const scrollTop = ref(0)
  const height = ref(0)

  function measure(): void {
    const el = viewport.value
    if (!el) return
    scrollTop.value = el.scrollTop
    height.value = el.clientHeight
  }

  let observer: ResizeObserver | null = null
  onMounted(() => {
    measure()
    observer = new ResizeObserver(measure)
    if (viewport.value) observer.observe(viewport.value)
  })
  onUnmounted(() => observer?.disconnect())

  const first = computed(() => Math.min(count.value, Math.max(0, Math.floor(scrollTop.value / rowHeight) - margin)))
  const last = computed(() => Math.min(count.value, Math.ceil((scrollTop.value + height.value - header) / rowHeight) + margin))

  /** Scrolls just enough for row i to be wholly in view, below the sticky header. */
  function reveal(i: number): void {
    const el = viewport.value
    if (!el) return
    const top = i * rowHeight
    if (top < el.scrollTop) el.scrollTop = top
    else if (header + top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = header + top + rowHeight - el.clientHeight
    measure()
  }

  return {
    first,
    last,
    /** Height of the rows above the window, and below it. */
    padTop: computed(() => first.value * rowHeight),
    padBottom: computed(() => (count.value - last.value) * rowHeight),
    totalHeight: computed(() => count.value * rowHeight),
    measure,
    reveal,
  }
}
