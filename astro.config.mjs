// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import starlightLinksValidator from 'starlight-links-validator';
import { sections } from './src/guide/chapters.ts';
import { remarkBaseLinks } from './src/site/remark-base-links.mjs';

// BASE_PATH lets the static build be hosted under a sub-path (e.g. /docs/).
const base = process.env.BASE_PATH || '/';
// OUT_DIR keeps a base-path build apart from the default one (the tests build both).
const outDir = process.env.OUT_DIR || './dist';
// ASTRO_CACHE_DIR keeps two builds running at once from sharing one cache.
const cacheDir = process.env.ASTRO_CACHE_DIR || './node_modules/.astro';

// Routes of our own, outside Starlight's content collection (srcDir is '.', so
// they live in src/site/pages and are injected here).
/** @type {import('astro').AstroIntegration} */
const opslabRoutes = {
  name: 'opslab-routes',
  hooks: {
    'astro:config:setup': ({ injectRoute }) => {
      injectRoute({ pattern: '/[...locale]/embed/[lab]', entrypoint: './src/site/pages/embed/lab.astro' });
    },
  },
};

export default defineConfig({
  // Chapters live in the top-level content/docs (Starlight reads <srcDir>/content/docs).
  srcDir: '.',
  base,
  outDir,
  cacheDir,
  trailingSlash: 'always',
  site: 'http://localhost:4321',
  // Lab workers (ours and Monaco's) are ES modules.
  vite: { worker: { format: 'es' } },
  markdown: { remarkPlugins: [[remarkBaseLinks, { base }]] },
  integrations: [
    opslabRoutes,
    starlight({
      title: { en: 'Istio Ops Lab', 'zh-CN': 'Istio 运维实战 · 互动实验' },
      description: 'Learn to troubleshoot an Istio service mesh with hands-on labs.',
      defaultLocale: 'root',
      locales: {
        root: { label: 'English', lang: 'en' },
        zh: { label: '简体中文', lang: 'zh-CN' },
      },
      plugins: [starlightLinksValidator({ errorOnLocalLinks: false })],
      customCss: ['./src/site/styles/lab.css'],
      sidebar: [
        ...sections.map((section) => ({
          label: section.label.en,
          translations: { 'zh-CN': section.label.zh },
          items: section.chapters.map((chapter) => chapter.slug),
        })),
        // After the guide: reusing the labs outside this site.
        { label: 'For your team', translations: { 'zh-CN': '团队使用' }, items: ['guides/own-labs'] },
      ],
      lastUpdated: false,
      pagination: true,
    }),
  ],
});
