package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/auth"
	"github.com/utsyn/utsyn/internal/store"
)

// userCommand runs 'utsyn user add'.
func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError{errors.New("usage: utsyn user add --db DB --org SLUG --role admin|editor|contributor|reader --email EMAIL --password-stdin")}
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", envOr(getenv, "UTSYN_DB", "utsyn.db"), "SQLite file path or postgres:// URL (UTSYN_DB)")
	org := fs.String("org", "", "the organisation's slug")
	roleName := fs.String("role", "", "admin, editor, contributor or reader")
	email := fs.String("email", "", "the user's e-mail address")
	name := fs.String("name", "", "the user's name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input (one line)")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err}
	}
	role, err := utsyn.ParseRole(*roleName)
	if err != nil {
		return usageError{fmt.Errorf("--role must be admin, editor, contributor or reader")}
	}
	if *org == "" || *email == "" {
		return usageError{errors.New("--org and --email are required")}
	}
	if !*fromStdin {
		return usageError{errors.New("give the password on standard input with --password-stdin")}
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	if err := utsyn.ValidatePassword(password); err != nil {
		return fmt.Errorf("the password must have between %d and %d characters", utsyn.MinPassword, utsyn.MaxPassword)
	}
	db, _, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := addUser(ctx, db, *org, role, *email, *name, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %s as %s of %s\n", u.Email, role, *org)
	return nil
}

// addUser creates a user with a role in an organisation, or gives an existing user the role.
func addUser(ctx context.Context, db *store.DB, orgSlug string, role utsyn.Role, email, name, password string) (*utsyn.User, error) {
	o, err := db.FindOrganisation(ctx, orgSlug)
	if err != nil {
		return nil, fmt.Errorf("no organisation %q", orgSlug)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	u := &utsyn.User{Email: email, Name: name, PasswordHash: hash, Memberships: []utsyn.Membership{{OrgID: o.ID, Role: role}}}
	actor := &utsyn.Principal{Label: "utsyn user add"}
	err = db.UpdateAs(ctx, actor, func(tx *store.Tx) error {
		existing, err := tx.FindUserByEmail(ctx, email)
		if err == nil {
			u = existing
			if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
				return err
			}
			return tx.SetMembership(ctx, u.ID, o.ID, role)
		} else if !utsyn.IsNotFound(err) {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.Record(ctx, o.ID, "create", "user", u.ID, u.Email, []utsyn.Change{{Field: "role", After: string(role)}})
	})
	if err != nil {
		if msg := utsyn.ErrorMessage(err); msg == "error.email" {
			return nil, fmt.Errorf("%q is not an e-mail address", email)
		}
		return nil, err
	}
	return u, nil
}

// tokenCommand runs 'utsyn token create'.
func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{errors.New("usage: utsyn token create --db DB --email EMAIL --name NAME --role ROLE [--org SLUG] [--expires 30d]")}
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", envOr(getenv, "UTSYN_DB", "utsyn.db"), "SQLite file path or postgres:// URL (UTSYN_DB)")
	email := fs.String("email", "", "whose token it is")
	name := fs.String("name", "", "what the token is for")
	roleName := fs.String("role", "", "the token's role: no higher than the user's")
	org := fs.String("org", "", "the organisation (default: the user's only one)")
	expires := fs.String("expires", "30d", "how long the token lives: e.g. 7d, 30d, 365d, 12h")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err}
	}
	role, err := utsyn.ParseRole(*roleName)
	if err != nil {
		return usageError{errors.New("--role must be admin, editor, contributor or reader")}
	}
	life, err := parseLifetime(*expires)
	if err != nil {
		return usageError{err}
	}
	if *email == "" || *name == "" {
		return usageError{errors.New("--email and --name are required")}
	}
	db, _, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.FindUserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no user %q", *email)
	}
	var orgID int64
	switch {
	case *org != "":
		for _, m := range u.Memberships {
			if m.OrgSlug == *org {
				orgID = m.OrgID
			}
		}
		if orgID == 0 {
			return fmt.Errorf("%s has no role in %q", u.Email, *org)
		}
	case len(u.Memberships) == 1:
		orgID = u.Memberships[0].OrgID
	default:
		return fmt.Errorf("%s has roles in %d organisations: choose one with --org", u.Email, len(u.Memberships))
	}
	secret, _, err := auth.IssueToken(ctx, db, &utsyn.Principal{User: u, OrgID: orgID, Label: u.Email + " (utsyn token create)"}, *name, role, time.Now().Add(life))
	if err != nil {
		if utsyn.ErrorMessage(err) == "error.token_role" || utsyn.ErrorMessage(err) == "error.invalid" {
			return fmt.Errorf("a token's role cannot be higher than the user's own (%s)", u.RoleIn(orgID))
		}
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

// parseLifetime reads "30d" or a Go duration such as "12h".
func parseLifetime(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 366 {
			return 0, fmt.Errorf("--expires %q: give 1d to 366d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Minute || d > 366*24*time.Hour {
		return 0, fmt.Errorf("--expires %q: give a number of days (30d) or a duration (12h)", s)
	}
	return d, nil
}

func envOr(getenv func(string) string, name, fallback string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return fallback
}
