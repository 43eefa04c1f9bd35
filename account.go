package utsyn

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a person may do in one organisation. Roles are ordered: each includes the ones
// below it.
type Role string

// The roles, from most to least.
const (
	RoleAdmin       Role = "admin"       // everything, including users and settings
	RoleEditor      Role = "editor"      // edits strategies, plans and every engagement
	RoleContributor Role = "contributor" // creates engagements, edits their own, posts updates
	RoleReader      Role = "reader"      // reads internal pages
)

// Roles lists the roles from most to least.
var Roles = []Role{RoleAdmin, RoleEditor, RoleContributor, RoleReader}

func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 4
	case RoleEditor:
		return 3
	case RoleContributor:
		return 2
	case RoleReader:
		return 1
	}
	return 0
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r includes other. An invalid role includes nothing.
func (r Role) AtLeast(other Role) bool { return r.rank() > 0 && r.rank() >= other.rank() }

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	if !r.Valid() {
		return "", &Error{Code: EINVALID, Message: "error.role", Field: "role"}
	}
	return r, nil
}

// User is a person who can sign in.
type User struct {
	ID           int64
	Email        string // lower case; unique
	Name         string
	PasswordHash string // argon2id in PHC form; empty for users who sign in only through SSO
	Memberships  []Membership
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Membership gives a user a role in an organisation.
type Membership struct {
	OrgID   int64
	OrgSlug string
	Role    Role
}

// RoleIn returns the user's role in the organisation, or "" when they have none.
func (u *User) RoleIn(orgID int64) Role {
	for _, m := range u.Memberships {
		if m.OrgID == orgID {
			return m.Role
		}
	}
	return ""
}

// NormaliseEmail trims and lower-cases an address and checks that it is one.
func NormaliseEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", &Error{Code: EINVALID, Message: "error.email", Field: "email"}
	}
	return s, nil
}

// Password rules: long enough to resist guessing, short enough to bound the hashing work.
const (
	MinPassword = 12
	MaxPassword = 256
)

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPassword:
		return &Error{Code: EINVALID, Message: "error.password_short", Field: "password"}
	case len(pw) > MaxPassword:
		return &Error{Code: EINVALID, Message: "error.password_long", Field: "password"}
	}
	return nil
}

// Token is an API token: a user's key for scripts, with a role no higher than the user's.
// Only a hash of the secret is stored; the secret is shown once, when it is made.
type Token struct {
	ID         int64
	UserID     int64
	OrgID      int64
	Name       string
	Role       Role
	Prefix     string // the first characters of the secret, to tell tokens apart in lists
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while valid
}

// Principal is who makes a request: a signed-in user or a token, in one organisation.
type Principal struct {
	User    *User
	OrgID   int64  // the organisation the actor works in
	Role    Role   // the role in OrgID; for a token, the token's role
	TokenID int64  // set when the actor is a token
	Label   string // how the audit trail names the actor
}

// Can reports whether the principal has at least the role in the organisation.
func (a *Principal) Can(orgID int64, role Role) bool {
	return a != nil && a.OrgID == orgID && a.Role.AtLeast(role)
}

// Change is one field's value before and after an edit, for the audit trail.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Event is one entry of the audit trail: who changed what, when, from what to what.
type Event struct {
	ID         int64
	OrgID      int64
	UserID     int64 // 0 for the system (e.g. the demo loader)
	ActorLabel string
	At         time.Time
	Action     string // create, update, delete, publish, …
	Entity     string // strategy, element, plan, user, …
	EntityID   int64
	Summary    string // a short human label of the record, e.g. its title
	Changes    []Change
}
