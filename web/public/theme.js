// Sets <html data-theme="light|dark"> before the first paint, so no screen flashes the wrong theme.
// A classic script loaded by index.html ahead of the app (the CSP allows no inline script). The
// choice is per device: localStorage 'hearth:theme' = 'light' | 'dark', or absent for the system's
// (prefers-color-scheme), which is followed live. web/src/lib/theme.ts writes the choice.
;(function () {
  var KEY = 'hearth:theme'
  var COLOURS = { light: '#ffffff', dark: '#16191e' }
  var media = window.matchMedia('(prefers-color-scheme: dark)')
  function choice() {
    try {
      return localStorage.getItem(KEY)
    } catch (e) {
      return null
    }
  }
  function apply() {
    var chosen = choice()
    var theme = chosen === 'light' || chosen === 'dark' ? chosen : media.matches ? 'dark' : 'light'
    document.documentElement.setAttribute('data-theme', theme)
    // The browser's bar: both metas follow a chosen theme; with the system's they keep their media.
    var metas = document.querySelectorAll('meta[name="theme-color"]')
    for (var i = 0; i < metas.length; i++) {
      var m = metas[i]
      var own = m.getAttribute('data-scheme')
      m.setAttribute('content', COLOURS[chosen === 'light' || chosen === 'dark' ? chosen : own] || COLOURS.light)
    }
  }
  apply()
  if (media.addEventListener) media.addEventListener('change', apply)
  window.addEventListener('storage', function (e) {
    if (e.key === KEY) apply()
  })
  window.addEventListener('hearth:theme', apply)
})()
