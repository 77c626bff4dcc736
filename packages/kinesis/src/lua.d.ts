/** A `.lua` file, inlined as its text by the build (tsup's text loader) and by the test config. */
declare module '*.lua' {
  const text: string;
  export default text;
}
