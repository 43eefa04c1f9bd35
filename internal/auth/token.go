package auth

import (
	"context"
	"time"

	"github.com/utsyn/utsyn"
	"github.com/utsyn/utsyn/internal/store"
)

// IssueToken makes an API token for the actor's user in the actor's organisation and returns
// its secret, which is shown once and never stored: the store keeps only its hash.
func IssueToken(ctx context.Context, db *store.DB, actor *utsyn.Principal, name string, role utsyn.Role, expires time.Time) (string, *utsyn.Token, error) {
	secret, hash, err := NewSecret(TokenPrefix)
	if err != nil {
		return "", nil, err
	}
	t := &utsyn.Token{UserID: actor.User.ID, OrgID: actor.OrgID, Name: name, Role: role,
		Prefix: secret[:len(TokenPrefix)+6], ExpiresAt: expires}
	err = db.UpdateAs(ctx, actor, func(tx *store.Tx) error { return tx.CreateToken(ctx, t, hash) })
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}
