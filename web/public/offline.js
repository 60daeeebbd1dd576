// The offline page (served by sw.js when a page cannot load): a way back, and the last feed page
// the signed-in person saw, read-only, from the copy the app keeps in localStorage
// ('hearth:last-feed', written by web/src/features/pwa/last-feed.ts, removed on sign-out).
;(function () {
  document.getElementById('retry').addEventListener('click', function () {
    location.reload()
  })
  var saved
  try {
    saved = JSON.parse(localStorage.getItem('hearth:last-feed') || 'null')
  } catch (e) {
    saved = null
  }
  if (!saved || !Array.isArray(saved.posts) || saved.posts.length === 0) return

  function el(tag, cls, text) {
    var e = document.createElement(tag)
    if (cls) e.className = cls
    if (text) e.textContent = text
    return e
  }
  var when = new Date(saved.savedAt)
  document.getElementById('last-feed-when').textContent =
    'Saved ' + when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) + ' for ' + saved.username + '.'
  var list = document.getElementById('last-feed-posts')
  saved.posts.forEach(function (p) {
    var li = el('li', 'offline__post')
    var head = el('p', 'offline__who')
    head.appendChild(el('strong', '', p.author))
    head.appendChild(el('span', 'muted small', ' · ' + new Date(p.createdAt).toLocaleDateString()))
    li.appendChild(head)
    var img = p.image
    if (img) {
      // Shown when the browser still has the photo; otherwise its description stands in.
      var frame = el('div', 'offline__photo')
      frame.style.aspectRatio = String(Math.min(1.91, Math.max(0.8, img.width / Math.max(1, img.height))))
      var i = document.createElement('img')
      i.src = img.url
      i.alt = img.alt || 'Photo by ' + p.author
      i.onerror = function () {
        frame.replaceWith(el('p', 'muted small', '[' + i.alt + ']'))
      }
      frame.appendChild(i)
      li.appendChild(frame)
    }
    if (p.content) li.appendChild(el('p', 'offline__content', p.content))
    li.appendChild(el('p', 'muted small', p.likes + ' likes · ' + p.comments + ' comments'))
    list.appendChild(li)
  })
  document.getElementById('last-feed').hidden = false
})()
