import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { refreshSession } from './api/session'
import { App } from './app'
import { registerServiceWorker } from './features/pwa/register'
// The styles, split next to what they style, in the order of the one sheet they were: equal
// selectors across files resolve as before, and lazily loaded screens cannot reorder the cascade.
import './ui/styles.css'
import './ui/controls.css'
import './ui/states.css'
import './ui/avatar.css'
import './ui/shell.css'
import './features/auth/auth.css'
import './ui/image.css'
import './features/posts/posts.css'
import './features/profile/profile.css'
import './features/posts/comments.css'
import './features/composer/composer.css'
import './features/notifications/notifications.css'
import './features/messages/messages.css'
import './features/settings/settings.css'
import './features/admin/admin.css'
import './ui/dialog.css'
import './features/feed/explore.css'
import './features/pwa/pwa.css'
import './features/search/search.css'

// Signed in from a previous visit? The refresh cookie answers before the first screen decides.
void refreshSession()
// Installable and offline-capable (production builds): public/sw.js.
registerServiceWorker()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
