// What `.vue` files export, for tools that read them without Vue's language service (type-aware lint).
// A script, not a module, so that the declaration is global.

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}
