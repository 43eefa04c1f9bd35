package web

import (
	"context"
	"sync"
	"time"
)

// admission lets a few requests work at once, first come, first served; the others wait their
// turn. Under load this answers each request in about its own time plus that of the queue
// ahead of it, rather than working on all of them at once and answering each ever later: with
// 16 clients against 2 processors, a register page's 99th percentile went from 38 to 20 ms, at
// half as many pages again a second (docs/PERFORMANCE.md), as the processors' caches, the
// garbage collector and the database's connections serve few requests at a time better than
// many. A request that works longer than its turn (a report, an export, a password checked)
// gives the turn up and goes on beside the others, so that it holds the quick ones up no longer
// than that.
type admission struct {
	slots chan struct{}
	turn  time.Duration
}

func newAdmission(n int, turn time.Duration) *admission {
	return &admission{slots: make(chan struct{}, n), turn: turn}
}

// enter waits for a turn, and returns the function that ends it, or false when ctx ended first
// (the client went away).
func (a *admission) enter(ctx context.Context) (leave func(), ok bool) {
	select {
	case a.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, false
	}
	var once sync.Once
	release := func() { once.Do(func() { <-a.slots }) }
	timer := time.AfterFunc(a.turn, release)
	return func() {
		timer.Stop()
		release()
	}, true
}
