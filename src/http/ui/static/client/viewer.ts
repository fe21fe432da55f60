// The execution viewer (built later in this file's folder).
export {};
