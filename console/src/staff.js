// Which accounts the signed-in staff member may manage (docs/API.md, "Authorization"): roles
// ranked strictly below their own, a brand admin also another brand admin, never themselves.
// The server decides; the staff page only hides the buttons it would refuse.
import { ROLE_RANK } from './format.js'
import { can, session } from './session.js'

const rank = (role) => ROLE_RANK.indexOf(role)

// The roles the caller may give an account (never brand_admin: the operator CLI makes those).
export function manageableRoles() {
  const mine = rank(session.staff?.role)
  if (mine < 0 || !can.writeStaff()) return []
  return ROLE_RANK.filter((r) => rank(r) > mine)
}

export function mayManage(account) {
  const me = session.staff
  if (!me || !can.writeStaff() || account.id === me.id) return false
  if (me.role === 'brand_admin' && account.role === 'brand_admin') return true
  return rank(account.role) > rank(me.role)
}
