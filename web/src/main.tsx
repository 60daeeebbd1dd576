import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { refreshSession } from './api/session'
import { App } from './app'
import './ui/styles.css'

// Signed in from a previous visit? The refresh cookie answers before the first screen decides.
void refreshSession()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
