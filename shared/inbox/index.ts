export { claimInbox, type InboxEntry } from './inbox';
