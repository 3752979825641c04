package rsp

const hexDigits = "0123456789abcdef"

func unhex(c byte) (uint8, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendHex appends the hex form of src to dst.
func appendHex(dst, src []byte) []byte {
	for _, b := range src {
		dst = append(dst, hexDigits[b>>4], hexDigits[b&15])
	}
	return dst
}

// appendHexString appends the hex form of s to dst.
func appendHexString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, hexDigits[s[i]>>4], hexDigits[s[i]&15])
	}
	return dst
}

// decodeHex appends the bytes that the hex string src encodes to dst.
func decodeHex(dst, src []byte) ([]byte, error) {
	if len(src)%2 != 0 {
		return dst, ProtocolError("odd number of hex digits")
	}
	for i := 0; i < len(src); i += 2 {
		hi, ok1 := unhex(src[i])
		lo, ok2 := unhex(src[i+1])
		if !ok1 || !ok2 {
			return dst, ProtocolError("bad hex digit")
		}
		dst = append(dst, hi<<4|lo)
	}
	return dst, nil
}

// parseHexUint parses a non-empty hex number of at most 16 digits.
func parseHexUint(s []byte) (uint64, error) {
	if len(s) == 0 {
		return 0, ProtocolError("missing number")
	}
	if len(s) > 16 {
		// allow leading zeros beyond 16 digits
		for len(s) > 16 && s[0] == '0' {
			s = s[1:]
		}
		if len(s) > 16 {
			return 0, ProtocolError("number too large")
		}
	}
	var v uint64
	for _, c := range s {
		d, ok := unhex(c)
		if !ok {
			return 0, ProtocolError("bad hex number")
		}
		v = v<<4 | uint64(d)
	}
	return v, nil
}

// appendHexUint appends v in hex without leading zeros.
func appendHexUint(dst []byte, v uint64) []byte {
	if v == 0 {
		return append(dst, '0')
	}
	var tmp [16]byte
	i := len(tmp)
	for v != 0 {
		i--
		tmp[i] = hexDigits[v&15]
		v >>= 4
	}
	return append(dst, tmp[i:]...)
}
