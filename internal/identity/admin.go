package identity

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/store"
)

// Errors of the administration of accounts.
var (
	ErrNotAdmin    = errors.New("only an administrator may manage accounts")
	ErrOwnAccount  = errors.New("administrators may not change their own role or disable their own account")
	ErrNotStaff    = errors.New("the account is not a staff account")
	ErrInvalidRole = errors.New("role must be clerk, worker, head or admin")
)

// StaffRoles are the roles an administrator gives, in the order screens list them.
var StaffRoles = []Role{Clerk, Worker, Head, Admin}

// Account is a user as the administration sees it, disabled or not.
type Account struct {
	User
	Disabled bool
}

// AccountFilter selects staff accounts for the administration, by id, keyset-paged.
type AccountFilter struct {
	Department string // empty: all
	AfterID    int64  // cursor: accounts with a larger id
	Limit      int
}

// StaffAccounts returns staff accounts (every role but citizen), enabled or not, in
// the order they were created, and the cursor of the next page (0 on the last).
func StaffAccounts(ctx context.Context, q store.Querier, f AccountFilter) ([]Account, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	args := []any{f.AfterID}
	cond := ""
	if f.Department != "" {
		args = append(args, f.Department)
		cond = " AND department = $2"
	}
	args = append(args, f.Limit+1)
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+`, disabled FROM users WHERE role <> 'citizen' AND id > $1`+cond+
		fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var disabled int64
		u, err := scanUser(rows, &disabled)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, Account{User: *u, Disabled: disabled != 0})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[f.Limit-1].ID
	}
	return out, next, nil
}

// AccountByID returns an account, enabled or not, or store.ErrNotFound.
func AccountByID(ctx context.Context, q store.Querier, id int64) (*Account, error) {
	var disabled int64
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+`, disabled FROM users WHERE id = $1`, id), &disabled)
	if err != nil {
		return nil, err
	}
	return &Account{User: *u, Disabled: disabled != 0}, nil
}

// Names returns the names of the given accounts, disabled ones included, in one
// query; ids without an account are left out.
func Names(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	var args []any
	var marks []string
	seen := map[int64]bool{}
	for _, id := range ids {
		if id > 0 && !seen[id] && len(args) < 500 {
			seen[id] = true
			args = append(args, id)
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM users WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// Processors returns the enabled workers and heads of a department, by name: the
// people a case of the department may be assigned to.
func Processors(ctx context.Context, q store.Querier, department string) ([]*User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE department = $1 AND role IN ('worker', 'head') AND disabled = 0 ORDER BY name, id`, department)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// checkAdmin refuses actors who are not administrators, and their own account.
func checkAdmin(actor *User, id int64) error {
	if actor == nil || actor.Role != Admin {
		return ErrNotAdmin
	}
	if actor.ID == id {
		return ErrOwnAccount
	}
	return nil
}

// ChangeRole gives a staff account a new role and department, recording the change
// (and what it was before) in the audit log. Workers and heads need a department;
// the caller checks that the department exists. Sessions stay: the next request
// already reads the new role.
func ChangeRole(ctx context.Context, db *store.DB, actor *User, id int64, role Role, department string) error {
	if err := checkAdmin(actor, id); err != nil {
		return err
	}
	if role == Citizen {
		return ErrInvalidRole
	}
	if _, err := ParseRole(string(role)); err != nil {
		return ErrInvalidRole
	}
	department = strings.TrimSpace(department)
	if (role == Worker || role == Head) && department == "" {
		return ErrNeedDepartment
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		var oldRole, oldDept string
		if err := tx.QueryRowContext(ctx, `SELECT role, department FROM users WHERE id = $1`+tx.Dialect().ForUpdate(), id).
			Scan(&oldRole, &oldDept); err != nil {
			return store.Map(err)
		}
		if Role(oldRole) == Citizen {
			return ErrNotStaff
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, department = $2 WHERE id = $3`, string(role), department, id); err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: actor.ID, ActorRole: string(actor.Role), Action: "user.role",
			Entity: "user", EntityID: strconv.FormatInt(id, 10),
			Detail: fmt.Sprintf("role=%s department=%s (was role=%s department=%s)", role, department, oldRole, oldDept)})
	})
}

// SetDisabled disables or enables a staff account, recording it in the audit log. A
// disabled account cannot sign in, and its sessions and API tokens stop working at
// their next request.
func SetDisabled(ctx context.Context, db *store.DB, actor *User, id int64, disabled bool) error {
	if err := checkAdmin(actor, id); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		var role string
		if err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = $1`+tx.Dialect().ForUpdate(), id).Scan(&role); err != nil {
			return store.Map(err)
		}
		if Role(role) == Citizen {
			return ErrNotStaff
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, boolInt(disabled), id); err != nil {
			return store.Map(err)
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: actor.ID, ActorRole: string(actor.Role), Action: action,
			Entity: "user", EntityID: strconv.FormatInt(id, 10)})
	})
}
