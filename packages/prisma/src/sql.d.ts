/** A `.sql` file, inlined as its text by the build (tsup's text loader) and by the test config. */
declare module '*.sql' {
  const text: string;
  export default text;
}
