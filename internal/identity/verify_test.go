package identity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// TestVerifyingIdentityAtTheCounter: staff confirm a citizen's CNP on the document
// they see; wrong roles, bad input and a CNP verified elsewhere change nothing;
// every act is audited with its legal basis; only an administrator revokes.
func TestVerifyingIdentityAtTheCounter(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := 0
		create := func(role identity.Role, dept, cnp string) *identity.User {
			t.Helper()
			n++
			u, err := identity.CreateUser(ctx, db, identity.NewUser{Email: fmt.Sprintf("v%d@example.ro", n), Password: "Parola-Lunga-2026!",
				Role: role, Department: dept, Name: fmt.Sprintf("Persoana %d", n), CNP: cnp, EmailVerified: true}, 0)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		clerk := create(identity.Clerk, "", "")
		worker := create(identity.Worker, "urbanism", "")
		head := create(identity.Head, "urbanism", "")
		admin := create(identity.Admin, "", "")
		ion := create(identity.Citizen, "", "")
		ana := create(identity.Citizen, "", "")
		vlad := create(identity.Citizen, "", "1920822296090") // given a CNP by an administrator
		const cnp, doc = "1630615123457", "CI KX 123456"

		state := func(id int64) (string, bool) {
			t.Helper()
			u, err := identity.UserByID(ctx, db.Read(), id)
			if err != nil {
				t.Fatal(err)
			}
			return u.CNP, u.CNPVerified
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.Read().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		for _, tc := range []struct {
			name     string
			staff    *identity.User
			target   int64
			cnp, doc string
			want     error
		}{
			{"nobody", nil, ion.ID, cnp, doc, identity.ErrNotCounterStaff},
			{"a citizen", ana, ion.ID, cnp, doc, identity.ErrNotCounterStaff},
			{"the citizen themself", ion, ion.ID, cnp, doc, identity.ErrNotCounterStaff},
			{"the virtual civil servant", identity.VirtualClerk, ion.ID, cnp, doc, identity.ErrNotCounterStaff},
			{"invalid CNP", clerk, ion.ID, "1630615123458", doc, identity.ErrInvalidCNP},
			{"empty CNP", clerk, ion.ID, "", doc, identity.ErrInvalidCNP},
			{"missing document", clerk, ion.ID, cnp, "  ", identity.ErrDocument},
			{"document without a number", clerk, ion.ID, cnp, "buletin", identity.ErrDocument},
			{"document with a control character", clerk, ion.ID, cnp, "CI KX\x00123456", identity.ErrDocument},
			{"document too long", clerk, ion.ID, cnp, "CI " + strings.Repeat("1", 101), identity.ErrDocument},
			{"a staff account", clerk, worker.ID, cnp, doc, identity.ErrNotCitizen},
			{"no such account", clerk, 99999, cnp, doc, store.ErrNotFound},
			{"already verified", clerk, vlad.ID, cnp, doc, identity.ErrAlreadyVerified},
			{"CNP verified on another account", clerk, ion.ID, "1920822296090", doc, identity.ErrCNPTaken},
		} {
			if _, err := identity.VerifyCNP(ctx, db, tc.staff, tc.target, tc.cnp, tc.doc); !errors.Is(err, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
		}
		// The ident reason survives, so the page can say what is wrong with the CNP.
		if _, err := identity.VerifyCNP(ctx, db, clerk, ion.ID, "1630615123458", doc); !errors.Is(err, ident.ErrChecksum) {
			t.Errorf("the CNP's fault is lost: %v", err)
		}
		if c, ok := state(ion.ID); c != "" || ok {
			t.Fatalf("refused verifications changed the account: %q %v", c, ok)
		}
		if got := count(`SELECT COUNT(*) FROM identity_verifications`); got != 0 {
			t.Fatalf("refused verifications left %d records", got)
		}
		if got := count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'identity.%'`); got != 0 {
			t.Fatalf("refused verifications were audited as done: %d", got)
		}

		// Every counter role may verify; spaces in the CNP and the document are tidied.
		u, err := identity.VerifyCNP(ctx, db, clerk, ion.ID, " 163 0615 123457 ", "  CI   KX 123456 ")
		if err != nil || u.CNP != cnp || !u.CNPVerified || u.Role != identity.Citizen {
			t.Fatalf("clerk verifies: %+v %v", u, err)
		}
		if c, ok := state(ion.ID); c != cnp || !ok {
			t.Fatalf("stored: %q %v", c, ok)
		}
		v, err := identity.CurrentVerification(ctx, db.Read(), ion.ID)
		if err != nil || v.Document != doc || v.VerifiedBy != clerk.ID || v.Method != "counter" || v.VerifiedAt.IsZero() {
			t.Fatalf("verification record: %+v %v", v, err)
		}
		var actor int64
		var role, basis, entity, detail string
		if err := db.Read().QueryRowContext(ctx, `SELECT actor_id, actor_role, legal_basis, entity_id, detail FROM audit_log WHERE action = 'identity.verify'`).
			Scan(&actor, &role, &basis, &entity, &detail); err != nil {
			t.Fatal(err)
		}
		if actor != clerk.ID || role != "clerk" || basis != identity.VerificationLegalBasis || entity != fmt.Sprint(ion.ID) ||
			detail != fmt.Sprintf("verification=%d method=counter", v.ID) {
			t.Fatalf("audit row: %d %s %q %s %q", actor, role, basis, entity, detail)
		}
		if count(`SELECT COUNT(*) FROM audit_log WHERE detail LIKE $1 OR detail LIKE $2`, "%"+cnp+"%", "%KX%") != 0 {
			t.Fatal("the CNP or the document went into the audit log")
		}
		if _, err := identity.VerifyCNP(ctx, db, worker, ion.ID, cnp, doc); !errors.Is(err, identity.ErrAlreadyVerified) {
			t.Fatalf("verifying twice: %v", err)
		}
		if _, err := identity.VerifyCNP(ctx, db, head, ana.ID, cnp, "CI XB 654321"); !errors.Is(err, identity.ErrCNPTaken) {
			t.Fatalf("the same CNP on a second account: %v", err)
		}
		if _, err := identity.VerifyCNP(ctx, db, admin, ana.ID, "2900101410011", "PASAPORT 051234567"); err != nil {
			t.Fatalf("an administrator verifies: %v", err)
		}
		if _, err := identity.CurrentVerification(ctx, db.Read(), vlad.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an account verified by an administrator has a counter record: %v", err)
		}

		// Revocation: administrators only, with a reason; the record is kept.
		for _, tc := range []struct {
			name   string
			actor  *identity.User
			id     int64
			reason string
			want   error
		}{
			{"a clerk", clerk, ion.ID, "CNP greșit", identity.ErrNotAdmin},
			{"a head", head, ion.ID, "CNP greșit", identity.ErrNotAdmin},
			{"the citizen", ion, ion.ID, "CNP greșit", identity.ErrNotAdmin},
			{"no reason", admin, ion.ID, " \t ", identity.ErrReasonRequired},
			{"not verified", admin, worker.ID, "CNP greșit", identity.ErrNotVerified},
			{"no such account", admin, 99999, "CNP greșit", store.ErrNotFound},
		} {
			if err := identity.RevokeCNPVerification(ctx, db, tc.actor, tc.id, tc.reason); !errors.Is(err, tc.want) {
				t.Errorf("revoke, %s: got %v, want %v", tc.name, err, tc.want)
			}
		}
		if c, ok := state(ion.ID); c != cnp || !ok {
			t.Fatal("a refused revocation changed the account")
		}
		if err := identity.RevokeCNPVerification(ctx, db, admin, ion.ID, "Cifre inversate la ghișeu"); err != nil {
			t.Fatal(err)
		}
		if c, ok := state(ion.ID); c != "" || ok {
			t.Fatalf("after revocation: %q %v", c, ok)
		}
		if _, err := identity.CurrentVerification(ctx, db.Read(), ion.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a revoked verification is still in force: %v", err)
		}
		if got := count(`SELECT COUNT(*) FROM identity_verifications WHERE user_id = $1 AND revoked_by = $2 AND revoke_reason = $3`,
			ion.ID, admin.ID, "Cifre inversate la ghișeu"); got != 1 {
			t.Fatalf("the revoked record: %d", got)
		}
		if got := count(`SELECT COUNT(*) FROM audit_log WHERE action = 'identity.revoke' AND actor_id = $1 AND entity_id = $2 AND legal_basis = $3`,
			admin.ID, fmt.Sprint(ion.ID), identity.VerificationLegalBasis); got != 1 {
			t.Fatalf("revocation audited %d times", got)
		}
		// An account given a CNP by an administrator is revoked the same way.
		if err := identity.RevokeCNPVerification(ctx, db, admin, vlad.ID, "Cont de test"); err != nil {
			t.Fatal(err)
		}
		// Once revoked, the CNP is free for the right account.
		if _, err := identity.VerifyCNP(ctx, db, worker, ion.ID, cnp, doc); err != nil {
			t.Fatalf("verify again after revocation: %v", err)
		}

		// Two counters confirming one CNP on two accounts at once: one wins.
		a, b := create(identity.Citizen, "", ""), create(identity.Citizen, "", "")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, id := range []int64{a.ID, b.ID} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = identity.VerifyCNP(ctx, db, clerk, id, "5010101410018", doc)
			}()
		}
		wg.Wait()
		ok, taken := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, identity.ErrCNPTaken):
				taken++
			default:
				t.Errorf("concurrent verification: %v", err)
			}
		}
		if ok != 1 || taken != 1 {
			t.Fatalf("concurrent verifications: %d succeeded, %d refused", ok, taken)
		}
		if got := count(`SELECT COUNT(*) FROM users WHERE cnp = '5010101410018' AND cnp_verified = 1`); got != 1 {
			t.Fatalf("%d accounts hold the CNP", got)
		}
		if _, broken, err := audit.Verify(ctx, db); err != nil || broken != nil {
			t.Fatalf("audit chain: %v %v", broken, err)
		}
	})
}
