package fp

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIsqrtIsExactFloor(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		x := u128{r.Uint64() >> 1, r.Uint64()}.shr(r.IntN(127))
		if i%3 == 0 { // squares and their neighbours
			s := r.Uint64()>>(1+r.IntN(63)) | 1
			x = mul64(s, s).add(u128{0, uint64(r.IntN(3))}).sub(u128{0, 1})
		}
		root, exact := isqrt(x)
		bx := new(big.Int).Lsh(new(big.Int).SetUint64(x.hi), 64)
		bx.Or(bx, new(big.Int).SetUint64(x.lo))
		want := new(big.Int).Sqrt(bx)
		require.Equal(t, want.Uint64(), root, "isqrt(%#x:%016x)", x.hi, x.lo)
		require.Equal(t, new(big.Int).Mul(want, want).Cmp(bx) == 0, exact, "isqrt(%#x:%016x) exact", x.hi, x.lo)
	}
}
