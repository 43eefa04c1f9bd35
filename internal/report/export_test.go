package report

import "time"

// SetSlowBuild moves the line past which the cache builds a report again in the background.
func SetSlowBuild(c *Cache, d time.Duration) { c.slow = d }
