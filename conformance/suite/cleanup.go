package suite

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// Cleanups undoes what a check changed on the server, last change first,
// like csi-sanity's resource tracker. The client keeps one per check
// (Client.Preserve): an API's write helpers register the undo step right
// after reading the state they are about to change, so even a check that
// fails halfway leaves the server as it found it.
type Cleanups struct {
	steps []cleanupStep
}

type cleanupStep struct {
	what string
	undo func()
}

// Add registers an undo step; what reads as "restoring ...".
func (c *Cleanups) Add(what string, undo func()) {
	c.steps = append(c.steps, cleanupStep{what: what, undo: undo})
}

// Run runs every step in reverse order. A step that fails (through Fail or
// CouldNotRun) fails the check but does not stop the steps after it: each
// one restores something else.
func (c *Cleanups) Run() {
	for i := len(c.steps) - 1; i >= 0; i-- {
		step := c.steps[i]
		By("cleanup: "+step.what, func() { runStep(step) })
	}
	c.steps = nil
}

func runStep(step cleanupStep) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		// Fail has already recorded the failure when it unwinds with a
		// GinkgoError; recovering only lets the remaining steps run.
		if _, isFail := r.(types.GinkgoError); isFail {
			return
		}
		recordFailure(fmt.Sprintf("cleanup %q panicked: %v", step.what, r))
	}()
	step.undo()
}

// cleanupSlot is the running check's cleanups, shared by the copies of a
// client (a check may copy it to send one request unvalidated).
type cleanupSlot struct{ current *Cleanups }

// Preserve registers undo, which puts back what the running check is about
// to change; what reads as "restoring ...". The client runs it when the
// check ends, whatever its outcome.
func (c *Client) Preserve(what string, undo func()) {
	GinkgoHelper()
	if c.cleanup.current == nil {
		Fail("conformance: Preserve called outside a check")
	}
	c.cleanup.current.Add(what, undo)
}

func (c *Client) beginCheck() { c.cleanup.current = &Cleanups{} }

// endCheck runs the check's cleanups, last registered first.
func (c *Client) endCheck() {
	if steps := c.cleanup.current; steps != nil {
		c.cleanup.current = nil
		steps.Run()
	}
}

// recordFailure fails the check without unwinding the caller.
func recordFailure(message string) {
	defer func() { _ = recover() }()
	Fail(message)
}
