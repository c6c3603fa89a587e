import { reactive } from 'vue'

/** How many modal dialogs are open: while any is, the page behind them is inert. */
export const modals = reactive({ open: 0 })
