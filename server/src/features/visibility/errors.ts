import { forbidden } from '../../http/errors.js'

/** The one refusal for a private account's posts and lists to someone who does not follow it. */
export const privateAccount = () => forbidden('This account is private.', 'private_account')
