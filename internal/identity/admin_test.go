package identity_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

func TestAdministeringStaffAccounts(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := 0
		create := func(role identity.Role, dept string) *identity.User {
			t.Helper()
			n++
			u, err := identity.CreateUser(ctx, db, identity.NewUser{Email: fmt.Sprintf("u%d@example.ro", n), Password: "Parola-Lunga-2026!",
				Role: role, Department: dept, Name: fmt.Sprintf("Persoana %d", n)}, 0)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		admin := create(identity.Admin, "")
		worker := create(identity.Worker, "urbanism")
		head := create(identity.Head, "urbanism")
		citizen := create(identity.Citizen, "")
		create(identity.Worker, "taxe-locale")
		create(identity.Clerk, "")

		// Listing: staff only, by id, in pages.
		page, next, err := identity.StaffAccounts(ctx, db.Read(), identity.AccountFilter{Limit: 3})
		if err != nil || len(page) != 3 || next == 0 || page[0].ID != admin.ID {
			t.Fatalf("first page: %d rows, next %d, %v", len(page), next, err)
		}
		rest, next2, err := identity.StaffAccounts(ctx, db.Read(), identity.AccountFilter{AfterID: next, Limit: 3})
		if err != nil || len(rest) != 2 || next2 != 0 {
			t.Fatalf("second page: %d rows, next %d, %v", len(rest), next2, err)
		}
		for _, a := range append(page, rest...) {
			if a.ID == citizen.ID {
				t.Fatal("a citizen is listed among staff")
			}
		}
		people, err := identity.Processors(ctx, db.Read(), "urbanism")
		if err != nil || len(people) != 2 || people[0].ID != worker.ID || people[1].ID != head.ID {
			t.Fatalf("urbanism's workers and heads: %+v %v", people, err)
		}

		names, err := identity.Names(ctx, db.Read(), []int64{worker.ID, head.ID, worker.ID, 0, 99999})
		if err != nil || len(names) != 2 || names[worker.ID] != worker.Name || names[head.ID] != head.Name {
			t.Fatalf("names: %v %v", names, err)
		}

		// Who may change what.
		for _, tc := range []struct {
			name  string
			actor *identity.User
			id    int64
			role  identity.Role
			dept  string
			want  error
		}{
			{"a head is not an admin", head, worker.ID, identity.Head, "urbanism", identity.ErrNotAdmin},
			{"nobody", nil, worker.ID, identity.Head, "urbanism", identity.ErrNotAdmin},
			{"own account", admin, admin.ID, identity.Worker, "urbanism", identity.ErrOwnAccount},
			{"citizen account", admin, citizen.ID, identity.Worker, "urbanism", identity.ErrNotStaff},
			{"to citizen", admin, worker.ID, identity.Citizen, "", identity.ErrInvalidRole},
			{"unknown role", admin, worker.ID, identity.Role("mayor"), "", identity.ErrInvalidRole},
			{"head without department", admin, worker.ID, identity.Head, " ", identity.ErrNeedDepartment},
			{"no such account", admin, 99999, identity.Head, "urbanism", store.ErrNotFound},
		} {
			if err := identity.ChangeRole(ctx, db, tc.actor, tc.id, tc.role, tc.dept); !errors.Is(err, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
		}
		if err := identity.ChangeRole(ctx, db, admin, worker.ID, identity.Head, "taxe-locale"); err != nil {
			t.Fatal(err)
		}
		if u, _ := identity.UserByID(ctx, db.Read(), worker.ID); u.Role != identity.Head || u.Department != "taxe-locale" {
			t.Fatalf("after the change: %s %s", u.Role, u.Department)
		}
		var detail string
		db.Read().QueryRowContext(ctx, `SELECT detail FROM audit_log WHERE action = 'user.role' AND actor_id = $1`, admin.ID).Scan(&detail)
		if detail != "role=head department=taxe-locale (was role=worker department=urbanism)" {
			t.Fatalf("audit detail %q", detail)
		}

		// Disabling: the account can no longer sign in; enabling brings it back.
		if err := identity.SetDisabled(ctx, db, admin, admin.ID, true); !errors.Is(err, identity.ErrOwnAccount) {
			t.Fatalf("disable own account: %v", err)
		}
		if err := identity.SetDisabled(ctx, db, admin, citizen.ID, true); !errors.Is(err, identity.ErrNotStaff) {
			t.Fatalf("disable a citizen here: %v", err)
		}
		if err := identity.SetDisabled(ctx, db, head, worker.ID, true); !errors.Is(err, identity.ErrNotAdmin) {
			t.Fatalf("a head disables: %v", err)
		}
		if err := identity.SetDisabled(ctx, db, admin, worker.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := identity.Login(ctx, db.Read(), worker.Email, "Parola-Lunga-2026!"); !errors.Is(err, identity.ErrBadCredentials) {
			t.Fatalf("a disabled account signs in: %v", err)
		}
		if a, err := identity.AccountByID(ctx, db.Read(), worker.ID); err != nil || !a.Disabled {
			t.Fatalf("account after disabling: %+v %v", a, err)
		}
		if people, _ := identity.Processors(ctx, db.Read(), "taxe-locale"); len(people) != 1 {
			t.Fatalf("a disabled account is offered for assignment: %+v", people)
		}
		if err := identity.SetDisabled(ctx, db, admin, worker.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := identity.Login(ctx, db.Read(), worker.Email, "Parola-Lunga-2026!"); err != nil {
			t.Fatalf("enabled again: %v", err)
		}
		var actions int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('user.disable', 'user.enable') AND entity_id = $1`, fmt.Sprint(worker.ID)).Scan(&actions)
		if actions != 2 {
			t.Fatalf("disable and enable audited %d times", actions)
		}
		if _, broken, err := audit.Verify(ctx, db); err != nil || broken != nil {
			t.Fatalf("audit chain: %v %v", broken, err)
		}
	})
}
