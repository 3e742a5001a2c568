import { useAuth } from '../auth/auth'

/** Who acts: the signed-in account (the server records its name with every action). */
export function useActor(): string {
  return useAuth().me.name
}
