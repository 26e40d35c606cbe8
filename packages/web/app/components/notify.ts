import { notifications } from '@mantine/notifications';

/** A short confirmation in the corner for changes whose result is not otherwise on screen. */
export function notifyDone(message: string): void {
  notifications.show({ message, color: 'green', autoClose: 4000 });
}
