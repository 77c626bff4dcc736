// kinesalite for the Kinesis tests: testkit's (one in-memory server per suite, on a free port).
export { startKinesalite, type Kinesalite } from '@mqkit/testkit';
