package web

import (
	"context"
	"testing"
	"time"
)

// entered enters a in a goroutine, and says on the channel when it is in.
func entered(a *admission, ctx context.Context) <-chan func() {
	in := make(chan func(), 1)
	go func() {
		if leave, ok := a.enter(ctx); ok {
			in <- leave
		} else {
			close(in)
		}
	}()
	return in
}

// waiting reports whether nothing came on in within a moment: the request still waits.
func waiting(in <-chan func()) bool {
	select {
	case <-in:
		return false
	case <-time.After(50 * time.Millisecond):
		return true
	}
}

// As many requests work at once as there are turns; the next gets in when one leaves, in the
// order they came.
func TestAdmission(t *testing.T) {
	a := newAdmission(2, time.Hour)
	ctx := context.Background()
	leave1, _ := a.enter(ctx)
	leave2, _ := a.enter(ctx)
	third := entered(a, ctx)
	if !waiting(third) {
		t.Fatal("a third request got in beside two, with two turns")
	}
	fourth := entered(a, ctx)
	waiting(fourth) // the fourth comes after the third
	leave1()
	leave1() // leaving twice gives one turn back, not two
	select {
	case leave3 := <-third:
		leave3()
	case <-time.After(5 * time.Second):
		t.Fatal("the third request did not get in when the first left")
	}
	select {
	case leave4 := <-fourth:
		leave4()
	case <-time.After(5 * time.Second):
		t.Fatal("the fourth request did not get in when the third left")
	}
	leave2()
	if n := len(a.slots); n != 0 {
		t.Errorf("%d turns taken after every request left, want 0", n)
	}
}

// A request that works longer than its turn gives it up, so the next gets in.
func TestAdmissionTurn(t *testing.T) {
	a := newAdmission(1, 10*time.Millisecond)
	ctx := context.Background()
	slow, _ := a.enter(ctx)
	next := entered(a, ctx)
	select {
	case leave := <-next:
		slow() // the slow one ends after its turn: it gives nothing back twice
		leave()
	case <-time.After(5 * time.Second):
		t.Fatal("a request waited for longer than the turn of the one before it")
	}
	if n := len(a.slots); n != 0 {
		t.Errorf("%d turns taken after every request left, want 0", n)
	}
}

// A request whose client goes away while it waits is not served, and takes no turn.
func TestAdmissionGone(t *testing.T) {
	a := newAdmission(1, time.Hour)
	leave, _ := a.enter(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	gone := entered(a, ctx)
	cancel()
	if _, ok := <-gone; ok {
		t.Error("a request got in after its client went away")
	}
	leave()
	if n := len(a.slots); n != 0 {
		t.Errorf("%d turns taken, want 0", n)
	}
}
