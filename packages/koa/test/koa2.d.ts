// `koa2` is an npm alias of koa 2 for the tests; it has the same API as koa 3 for
// everything the tests use, so it borrows @types/koa.
declare module 'koa2' {
  import Koa = require('koa');
  export = Koa;
}
