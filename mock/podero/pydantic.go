package podero

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file reproduces what pydantic v2 does with one JSON value in lax
// (python) mode, which is how django-ninja validates a parsed body: which
// inputs it coerces, and the exact type, msg and ctx when it refuses one.
// The spec says where a value is invalid; these say what pydantic answers.

func typeError(typ, msg string) *fieldError { return &fieldError{Type: typ, Msg: msg} }

func ctxError(typ, prefix, detail string) *fieldError {
	return &fieldError{Type: typ, Msg: prefix + ", " + detail, Ctx: map[string]any{"error": detail}}
}

// pyString accepts only str: pydantic v2 never turns numbers into strings.
// A str holding a lone surrogate (the only invalid UTF-8 a parsed body can
// hold) cannot be made a Rust string, which pydantic-core reports as
// string_unicode.
func pyString(v any, maxLength int) (string, *fieldError) {
	s, ok := v.(string)
	if !ok {
		return "", typeError("string_type", "Input should be a valid string")
	}
	if !utf8.ValidString(s) {
		return "", typeError("string_unicode", "Input should be a valid string, unable to parse raw data as a unicode string")
	}
	if maxLength >= 0 && utf8.RuneCountInString(s) > maxLength {
		return "", &fieldError{
			Type: "string_too_long",
			Msg:  fmt.Sprintf("String should have at most %d character%s", maxLength, plural(maxLength)),
			Ctx:  map[string]any{"max_length": maxLength},
		}
	}
	return s, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// pyEnum matches a str Enum; any other input, of any type, is an enum error.
func pyEnum(v any, options []string) (string, *fieldError) {
	if s, ok := v.(string); ok {
		for _, o := range options {
			if s == o {
				return s, nil
			}
		}
	}
	expected := enumExpected(options)
	return "", &fieldError{Type: "enum", Msg: "Input should be " + expected, Ctx: map[string]any{"expected": expected}}
}

// enumExpected renders options the way pydantic lists them: 'a', 'b' or 'c'.
func enumExpected(options []string) string {
	quoted := make([]string, len(options))
	for i, o := range options {
		quoted[i] = "'" + o + "'"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// pyFloat: numbers and bools are taken, strings are parsed as Python's
// float() would (surrounding whitespace and underscores between digits are
// allowed). Non-finite values are refused, also the literals NaN, Infinity
// and 1e400 that json.loads reads: JSON could not carry them back.
func pyFloat(v any) (float64, *fieldError) {
	switch x := v.(type) {
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return 0, typeError("finite_number", "Input should be a finite number")
		}
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		s := strings.TrimSpace(x)
		if strings.Contains(s, "_") {
			s = strings.ReplaceAll(s, "_", "")
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || strings.ContainsAny(s, "xXpP") {
			return 0, typeError("float_parsing", "Input should be a valid number, unable to parse string as a number")
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, typeError("finite_number", "Input should be a finite number")
		}
		return f, nil
	}
	return 0, typeError("float_type", "Input should be a valid number")
}

// pyBool: pydantic's lax bool accepts 0/1 and a fixed set of words.
func pyBool(v any) (bool, *fieldError) {
	parsing := func() *fieldError {
		return typeError("bool_parsing", "Input should be a valid boolean, unable to interpret input")
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case float64:
		switch x {
		case 0:
			return false, nil
		case 1:
			return true, nil
		}
		return false, parsing()
	case string:
		switch strings.ToLower(x) {
		case "0", "off", "f", "false", "n", "no":
			return false, nil
		case "1", "on", "t", "true", "y", "yes":
			return true, nil
		}
		return false, parsing()
	}
	return false, typeError("bool_type", "Input should be a valid boolean")
}

// pyUUID parses like pydantic-core, which uses the Rust uuid crate: simple,
// hyphenated, braced and urn forms are accepted; the answer is always the
// lower-case hyphenated form.
func pyUUID(v any) (string, *fieldError) {
	s, ok := v.(string)
	if !ok {
		return "", typeError("uuid_type", "UUID input should be a string, bytes or UUID object")
	}
	if id, ok := parseUUID(s); ok {
		return id, nil
	}
	return "", ctxError("uuid_parsing", "Input should be a valid UUID", uuidParseError(s))
}

func parseUUID(s string) (string, bool) {
	if isCanonicalUUID(s) {
		return s, true // most ids come as the API wrote them: no copy
	}
	switch {
	case len(s) == 38 && s[0] == '{' && s[37] == '}':
		s = s[1:37]
	case len(s) == 45 && strings.HasPrefix(s, "urn:uuid:"):
		s = s[9:]
	}
	var hex string
	switch len(s) {
	case 32:
		hex = s
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return "", false
		}
		hex = s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	default:
		return "", false
	}
	for i := 0; i < len(hex); i++ {
		if !isHex(hex[i]) {
			return "", false
		}
	}
	hex = strings.ToLower(hex)
	return hex[0:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:32], true
}

// isCanonicalUUID is whether s is already what parseUUID answers: lower
// case, hyphenated.
func isCanonicalUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// uuidParseError is the Display text of the uuid crate's error for an input
// it refused (uuid 1.x, InvalidUuid::into_err): positions are 1-based.
func uuidParseError(input string) string {
	body, offset, simple := input, 0, true
	switch {
	case len(input) >= 2 && input[0] == '{' && input[len(input)-1] == '}':
		body, offset, simple = input[1:len(input)-1], 1, false
	case strings.HasPrefix(input, "urn:uuid:"):
		body, offset, simple = input[9:], 9, false
	}
	hyphens := 0
	var bounds [4]int
	for i, r := range body {
		switch {
		case r == '-':
			if hyphens < 4 {
				bounds[hyphens] = i
			}
			hyphens++
		case r >= utf8.RuneSelf || !isHex(byte(r)):
			return fmt.Sprintf("invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%c` at %d", r, i+offset+1)
		}
	}
	if hyphens == 0 && simple {
		return fmt.Sprintf("invalid length: expected length 32 for simple format, found %d", len(input))
	}
	if hyphens != 4 {
		return fmt.Sprintf("invalid group count: expected 5, found %d", hyphens+1)
	}
	starts := [5]int{0, 9, 14, 19, 24}
	expected := [5]int{8, 4, 4, 4, 12}
	for i := 0; i < 4; i++ {
		if bounds[i] != starts[i+1]-1 {
			return fmt.Sprintf("invalid group length in group %d: expected %d, found %d", i, expected[i], bounds[i]-starts[i])
		}
	}
	return fmt.Sprintf("invalid group length in group 4: expected 12, found %d", len(input)-starts[4])
}

// pyDatetime follows pydantic-core's lax datetime: speedate's RFC 3339-like
// format (seconds and offset optional), unix timestamps (numbers or numeric
// strings; beyond 2e10 they are milliseconds), and a bare date at midnight.
// A refused string is reported with the date parser's reason, as pydantic
// does (datetime_from_date_parsing). The value is answered in UTC with Z, as
// Django stores it; naive times are taken as UTC (Django's default zone).
func pyDatetime(v any) (string, *fieldError) {
	switch x := v.(type) {
	case float64:
		return fromTimestamp(x)
	case string:
		if t, ok := parseSpeedateDatetime(x); ok {
			return checkYear(t)
		}
		if f, err := strconv.ParseFloat(x, 64); err == nil && !strings.ContainsAny(x, "xXpPiInN_") {
			return fromTimestamp(f)
		}
		t, reason := parseSpeedateDate(x)
		if reason != "" {
			return "", ctxError("datetime_from_date_parsing", "Input should be a valid datetime or date", reason)
		}
		return checkYear(t)
	}
	return "", typeError("datetime_type", "Input should be a valid datetime")
}

// checkYear keeps a parsed time within Python's datetime, years 1 to 9999.
// Year 0 parses but cannot be built, which pydantic reports after parsing
// succeeded. An offset can carry a valid local time out of that range in
// UTC (9999-12-31T23:59:59-05:00): pydantic would accept it, and Django,
// converting to UTC to store it, would then fail with Python's
// OverflowError "date value out of range". The twin refuses it at
// validation, in pydantic's datetime_parsing with Python's words, so that
// it never stores or answers a year RFC 3339 cannot carry.
func checkYear(t time.Time) (string, *fieldError) {
	if t.Year() == 0 {
		return "", ctxError("datetime_parsing", "Input should be a valid datetime", "year 0 is out of range")
	}
	if utc := t.UTC().Year(); utc < 1 || utc > 9999 {
		return "", ctxError("datetime_parsing", "Input should be a valid datetime", "date value out of range")
	}
	return formatUTC(t), nil
}

func fromTimestamp(f float64) (string, *fieldError) {
	if math.Abs(f) > 2e10 {
		f /= 1000
	}
	if math.IsNaN(f) || f < -62135596800 || f > 253402300799 {
		return "", ctxError("datetime_parsing", "Input should be a valid datetime", "dates after 9999 are not supported as unix timestamps")
	}
	sec, frac := math.Modf(f)
	return formatUTC(time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()), nil
}

// formatUTC renders like Django's JSON encoder: milliseconds when there is
// a fraction, Z for UTC.
func formatUTC(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1e6 != 0 {
		return t.Format("2006-01-02T15:04:05.000Z")
	}
	return t.Format("2006-01-02T15:04:05Z")
}

// parseSpeedateDatetime accepts YYYY-MM-DD[Tt _]HH:MM[:SS[.f{1,}]][Z|±HH[:]MM].
func parseSpeedateDatetime(s string) (time.Time, bool) {
	if len(s) < 16 {
		return time.Time{}, false
	}
	d, reason := parseSpeedateDate(s[:10])
	if reason != "" || !strings.ContainsRune("Tt _", rune(s[10])) {
		return time.Time{}, false
	}
	rest := s[11:]
	num := func(str string) (int, bool) {
		n := 0
		for i := 0; i < len(str); i++ {
			if str[i] < '0' || str[i] > '9' {
				return 0, false
			}
			n = n*10 + int(str[i]-'0')
		}
		return n, true
	}
	if len(rest) < 5 || rest[2] != ':' {
		return time.Time{}, false
	}
	hour, ok1 := num(rest[0:2])
	minute, ok2 := num(rest[3:5])
	if !ok1 || !ok2 || hour > 23 || minute > 59 {
		return time.Time{}, false
	}
	rest = rest[5:]
	second, nanos := 0, 0
	if len(rest) >= 3 && rest[0] == ':' {
		var ok bool
		if second, ok = num(rest[1:3]); !ok || second > 59 {
			return time.Time{}, false
		}
		rest = rest[3:]
		if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
			i := 1
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			digits := rest[1:i]
			if digits == "" {
				return time.Time{}, false
			}
			if len(digits) > 6 {
				digits = digits[:6]
			}
			frac, _ := num(digits)
			for n := len(digits); n < 9; n++ {
				frac *= 10
			}
			nanos = frac
			rest = rest[i:]
		}
	}
	loc := time.UTC
	switch {
	case rest == "" || rest == "Z" || rest == "z":
	case rest[0] == '+' || rest[0] == '-':
		off := strings.Replace(rest[1:], ":", "", 1)
		if len(off) != 4 {
			return time.Time{}, false
		}
		h, ok1 := num(off[:2])
		m, ok2 := num(off[2:])
		if !ok1 || !ok2 || m > 59 || h > 23 {
			return time.Time{}, false
		}
		secs := h*3600 + m*60
		if rest[0] == '-' {
			secs = -secs
		}
		loc = time.FixedZone("", secs)
	default:
		return time.Time{}, false
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, second, nanos, loc), true
}

// parseSpeedateDate is speedate's Date::parse_bytes_rfc3339; the reason is
// its ParseError documentation text.
func parseSpeedateDate(s string) (time.Time, string) {
	if len(s) < 10 {
		return time.Time{}, "input is too short"
	}
	digits := func(str string) (int, bool) {
		n := 0
		for i := 0; i < len(str); i++ {
			if str[i] < '0' || str[i] > '9' {
				return 0, false
			}
			n = n*10 + int(str[i]-'0')
		}
		return n, true
	}
	year, ok := digits(s[0:4])
	if !ok {
		return time.Time{}, "invalid character in year"
	}
	if s[4] != '-' {
		return time.Time{}, "invalid date separator, expected `-`"
	}
	month, ok := digits(s[5:7])
	if !ok {
		return time.Time{}, "invalid character in month"
	}
	if s[7] != '-' {
		return time.Time{}, "invalid date separator, expected `-`"
	}
	day, ok := digits(s[8:10])
	if !ok {
		return time.Time{}, "invalid character in day"
	}
	if month < 1 || month > 12 {
		return time.Time{}, "month value is outside expected range of 1-12"
	}
	if day < 1 || day > daysIn(year, month) {
		return time.Time{}, "day value is outside expected range"
	}
	if len(s) > 10 {
		return time.Time{}, "unexpected extra characters at the end of the input"
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), ""
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
