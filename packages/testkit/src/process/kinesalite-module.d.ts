declare module 'kinesalite' {
  import type { Server } from 'node:http';
  function kinesalite(options?: Record<string, unknown>): Server;
  export default kinesalite;
}
