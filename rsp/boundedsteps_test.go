package rsp_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// bounded adds rsp.BoundedSteps to the fake target.
type bounded struct{ *rsptest.FakeTarget }

func (bounded) StepsAreBounded() bool { return true }

// Steps of a target with bounded steps are answered like any other; a continue still runs interruptibly.
func TestBoundedStepsAnswerLikeOthers(t *testing.T) {
	for name, target := range map[string]rsp.Target{"plain": rsptest.NewFakeTarget(2), "bounded": bounded{rsptest.NewFakeTarget(2)}} {
		t.Run(name, func(t *testing.T) {
			cl, _ := rsptest.StartSession(t, target, rsp.Options{})
			for i := 0; i < 3; i++ {
				require.Regexp(t, `^T05thread:1;core:0;`, cl.Exchange("vCont;s:1"))
			}
			require.Regexp(t, `^T05thread:2;core:1;`, cl.Exchange("vCont;s:2"))
			require.Equal(t, "OK", cl.Exchange("Hg1"))
			// A continue with nothing scripted runs until interrupted: no answer, until \x03.
			cl.Send("vCont;c")
			cl.ExpectSilence(50 * time.Millisecond)
			cl.SendRaw("\x03")
			require.Regexp(t, `^T02thread:1;`, cl.Recv())
			require.Regexp(t, `^T05thread:1;core:0;`, cl.Exchange("vCont;s:1"), "and steps still answer after it")
		})
	}
}
