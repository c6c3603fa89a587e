import { ref } from 'vue'

/** One clock for every ticking text in the page, updated once a second. */
export const now = ref(Date.now())
setInterval(() => (now.value = Date.now()), 1000)
