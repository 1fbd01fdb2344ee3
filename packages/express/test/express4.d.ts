// `express4` is an npm alias of Express 4, installed to test both majors. Express 4's
// runtime API is what these tests use of Express 5's types.
declare module 'express4' {
  import express from 'express';
  export default express;
}
