import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { pickBridge, setBridge } from './bridge'
import './style.css'

setBridge(pickBridge())
createApp(App).use(createPinia()).mount('#app')
