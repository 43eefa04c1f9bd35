package utsyn

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in internal/web.
const (
	EINVALID      = "invalid"      // the input breaks a rule; Message says which
	ENOTFOUND     = "not_found"    // the record does not exist (or is not visible to the caller)
	ECONFLICT     = "conflict"     // the record changed since the caller read it, or already exists
	EFORBIDDEN    = "forbidden"    // the caller may not do this
	EUNAUTHORIZED = "unauthorized" // the caller is not signed in
	EINTERNAL     = "internal"     // a fault of ours; details are logged, never shown
)

// Error is the domain error. Message is a catalog key (internal/i18n) so that the user reads
// it in their own language; Field names the input it concerns, when there is one.
type Error struct {
	Code    string
	Message string
	Field   string
	// Problems lists every field that broke a rule, when there are several, so that a form
	// can show each message beside its field.
	Problems []Problem
}

// Problem is one field's broken rule: a field name and a message key.
type Problem struct {
	Field   string
	Message string
}

// Problems gathers what is wrong with an input before anything is stored.
type Problems []Problem

// Add records that field broke the rule with the message key.
func (p *Problems) Add(field, message string) { *p = append(*p, Problem{field, message}) }

// Err returns nil when nothing was added, or an EINVALID *Error listing every problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "error.invalid", Field: p[0].Field, Problems: p}
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("utsyn %s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("utsyn %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with a code and a message key.
func Errorf(code, message string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(message, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message key of the first *Error in err's chain, or the key of the
// generic internal error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "error.internal"
}

// IsNotFound reports whether err means "no such record".
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
