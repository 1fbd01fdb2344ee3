export declare const PYTHON_INSTALL_HINT: string;

export type PythonLookup =
  | { ok: true; python: string; sentrySdkVersion: string }
  | { ok: false; reason: string };

export declare function findPython(): PythonLookup;
