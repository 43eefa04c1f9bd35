package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	hash, err := HashPassword("korrekt hest batteri stift")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("hash %q is not argon2id in PHC form with the chosen parameters", hash)
	}
	tests := []struct {
		name, password string
		want           bool
	}{
		{"right", "korrekt hest batteri stift", true},
		{"wrong", "korrekt hest batteri stifT", false},
		{"empty", "", false},
		{"long", strings.Repeat("x", 200), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckPassword(hash, tt.password)
			if err != nil || got != tt.want {
				t.Errorf("CheckPassword = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if other, _ := HashPassword("korrekt hest batteri stift"); other == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if _, err := CheckPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("a non-argon2id hash was accepted")
	}
}

func TestSecrets(t *testing.T) {
	a, ha, err := NewSecret("utsyn_")
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewSecret("utsyn_")
	if a == b || !strings.HasPrefix(a, "utsyn_") || len(a) < 40 {
		t.Errorf("secrets %q and %q", a, b)
	}
	if HashSecret(a) != ha || len(ha) != 64 {
		t.Errorf("hash %q", ha)
	}
}

// BenchmarkHashPassword measures the cost of one sign-in (aim: 50–100 ms).
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("korrekt hest batteri stift"); err != nil {
			b.Fatal(err)
		}
	}
}
