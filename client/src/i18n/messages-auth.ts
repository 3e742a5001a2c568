/** Signing in and out, and what an account may open. */

export const authZh = {
  'auth.title': '登录',
  'auth.name': '账号',
  'auth.password': '密码',
  'auth.submit': '登录',
  'auth.signingIn': '正在登录…',
  'auth.logout': '退出',
  'auth.role.leader': '领导',
  'auth.role.analyst': '分析员',
  'auth.role.duty': '值班员',
  'auth.role.admin': '管理员',
  'auth.demo': '仍在使用初始密码，请尽快修改',
  'auth.forbidden': '当前账号无权打开此页面',
  'auth.expired': '登录已过期，请重新登录',
} satisfies Record<string, string>

export const authEn: Record<keyof typeof authZh, string> = {
  'auth.title': 'Sign in',
  'auth.name': 'Account',
  'auth.password': 'Password',
  'auth.submit': 'Sign in',
  'auth.signingIn': 'Signing in…',
  'auth.logout': 'Sign out',
  'auth.role.leader': 'Leader',
  'auth.role.analyst': 'Analyst',
  'auth.role.duty': 'Duty officer',
  'auth.role.admin': 'Admin',
  'auth.demo': 'Still the first-start password: change it soon',
  'auth.forbidden': 'This account may not open this page',
  'auth.expired': 'Your session has ended: sign in again',
}
