// Progressive enhancement only: every page works without this file.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// The search page: htmx swaps in new results (see marketplace/search.html). While it
// waits the results are marked busy; if the request fails, the page says what to do.
const searchResults = document.getElementById('search-results')
if (searchResults) {
  const status = document.getElementById('search-status')
  const failure = document.getElementById('search-error')
  document.addEventListener('htmx:beforeRequest', () => {
    failure.hidden = true
    searchResults.setAttribute('aria-busy', 'true')
  })
  document.addEventListener('htmx:afterRequest', () => searchResults.removeAttribute('aria-busy'))
  const failed = () => {
    status.textContent = ''
    failure.hidden = false
  }
  for (const name of ['htmx:responseError', 'htmx:sendError', 'htmx:timeout']) {
    document.addEventListener(name, failed)
  }
}
