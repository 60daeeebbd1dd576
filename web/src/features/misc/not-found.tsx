import { Link } from 'wouter'
import { Empty } from '../../ui/states'
import { useTitle } from '../../lib/use-title'

export function NotFound() {
  useTitle('Page not found')
  return (
    <div className="column">
      <Empty title="This page isn’t here">
        <p>The link may be broken, or the page may have been removed.</p>
        <p style={{ marginTop: 12 }}>
          <Link href="/">Go back to Hearth</Link>
        </p>
      </Empty>
    </div>
  )
}
